package dev.cnnc.examples.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.train.TrainingSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The example end to end: a colour image folder it draws itself, loaded and trained to a useful accuracy. */
class TrainShapesTest {

    @Test
    void aColourFolderItDrawsTrainsToAUsefulAccuracy() throws Exception {
        Path dir = Path.of("target", "shapes-test");
        if (!Files.isDirectory(dir)) {
            TrainShapes.drawFolder(dir, 120, 7);
        }
        try (Stream<Path> s = Files.walk(dir.resolve("test"))) {
            assertEquals(3 * 40, s.filter(Files::isRegularFile).count());
        }
        TrainingSession.Result result = TrainShapes.train(dir, 12, 1);
        System.out.printf("shapes: test accuracy %.3f%n", result.test().accuracy());
        assertTrue(result.test().accuracy() > 0.8, "accuracy " + result.test().accuracy());
    }
}
