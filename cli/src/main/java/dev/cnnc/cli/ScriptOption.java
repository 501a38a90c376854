package dev.cnnc.cli;

import dev.cnnc.compiler.syntax.Script;
import picocli.CommandLine.Option;

/**
 * {@code --image-data-format}: what {@code K.image_data_format()} returns in a pasted Keras script
 * (which branch of {@code if K.image_data_format() == 'channels_first':} is read), and the data
 * format of layers that do not name one, as Keras' own configuration does.
 */
final class ScriptOption {
    @Option(names = "--image-data-format", paramLabel = "FORMAT", description = {
            "channels_last (Keras' default) or channels_first: what K.image_data_format() returns in a",
            "pasted Keras script, and the data format of layers that name none."})
    void imageDataFormat(String format) {
        switch (format) {
            case "channels_last" -> Sources.options = Script.Options.DEFAULT;
            case "channels_first" -> Sources.options = new Script.Options(true);
            default -> throw new Main.UserException("--image-data-format must be channels_last or channels_first, not '"
                    + format + "'", Main.USAGE);
        }
    }
}
