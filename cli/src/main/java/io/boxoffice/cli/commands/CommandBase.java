package io.boxoffice.cli.commands;

import com.google.protobuf.MessageOrBuilder;
import io.boxoffice.cli.BookingCtl;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every command: finds the run's context, and is the one place that prints a call's result, as
 * JSON ({@code --output json}, the proto3 JSON mapping) or as text for a person.
 */
abstract class CommandBase implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    CliContext context() {
        return BookingCtl.context(spec);
    }

    PrintWriter out() {
        return context().out();
    }

    /** Prints a result that is a message: itself as JSON, or the text {@code asText} makes of it. Exit status 0. */
    <T extends MessageOrBuilder> Integer answer(T result, Function<? super T, String> asText) {
        return answer(result, message -> message, asText);
    }

    /**
     * Prints {@code result} as the JSON of the message {@code asJson} makes of it (a list becomes its list
     * response), or as the text {@code asText} makes of it, one trailing newline either way. Exit status 0.
     */
    <T> Integer answer(T result, Function<? super T, ? extends MessageOrBuilder> asJson,
                       Function<? super T, String> asText) {
        CliContext context = context();
        String printed = context.json() ? Output.json(asJson.apply(result)) : asText.apply(result);
        out().print(printed.endsWith("\n") ? printed : printed + "\n");
        return 0;
    }
}
