package com.example.app;

import com.example.config.AtRoot;
import com.example.folder.FromFolder;
import com.example.line.WithLine;
import dev.cnnc.runtime.Network;
import java.util.List;

/** Compiles only if each model's class is where its package rule puts it. */
public final class App {
    private App() {}

    public static List<Network> models() {
        return List.of(new FromFolder(1, 1L), new WithLine(1, 1L), new AtRoot(1, 1L));
    }
}
