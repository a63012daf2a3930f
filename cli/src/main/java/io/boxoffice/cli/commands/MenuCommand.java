package io.boxoffice.cli.commands;

import io.boxoffice.cli.BookingCtl;
import io.boxoffice.cli.menu.InteractiveMenu;
import io.boxoffice.cli.menu.Terminal;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bookingctl menu}, also what {@code bookingctl} without arguments runs. */
@Command(name = "menu", description = "The interactive menu (the default without a command).")
public final class MenuCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return runWith(BookingCtl.context(spec));
    }

    public int runWith(CliContext context) {
        Terminal terminal = Terminal.stdinIsTerminal() && !context.env().containsKey("BOOKINGCTL_PLAIN_INPUT")
                ? new Terminal.ConsoleTerminal(System.console(), context.ansi())
                : new Terminal.Streams(context.in(), context.out(), context.ansi());
        InteractiveMenu menu = new InteractiveMenu(terminal, context.sessions(), context::api, context.api(),
                context.clock(), context.zone());
        return menu.run();
    }
}
