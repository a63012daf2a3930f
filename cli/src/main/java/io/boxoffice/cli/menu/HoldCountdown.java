package io.boxoffice.cli.menu;

import io.boxoffice.cli.render.Formats;
import io.boxoffice.cli.render.Views;
import io.boxoffice.proto.v1.Hold;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The remaining time of an open hold. On a real terminal a daemon thread rewrites the status line above the
 * payment prompt every second; elsewhere the remaining time is part of the prompt.
 */
final class HoldCountdown implements AutoCloseable {

    private final Terminal terminal;
    private final Hold hold;
    private final Clock clock;
    private final ScheduledExecutorService ticker;

    private HoldCountdown(Terminal terminal, Hold hold, Clock clock, ScheduledExecutorService ticker) {
        this.terminal = terminal;
        this.hold = hold;
        this.clock = clock;
        this.ticker = ticker;
    }

    static HoldCountdown start(Terminal terminal, Hold hold, Clock clock) {
        ScheduledExecutorService ticker = null;
        if (terminal.canRewrite()) {
            ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "hold-countdown");
                thread.setDaemon(true);
                return thread;
            });
        }
        HoldCountdown countdown = new HoldCountdown(terminal, hold, clock, ticker);
        if (ticker != null) {
            ticker.scheduleAtFixedRate(countdown::tick, 1, 1, TimeUnit.SECONDS);
        }
        return countdown;
    }

    /** Whether the status line updates itself. */
    boolean live() {
        return ticker != null;
    }

    long remainingMillis() {
        return hold.getExpiresAtMillis() - clock.millis();
    }

    String remaining() {
        return Formats.countdown(remainingMillis());
    }

    boolean expired() {
        return remainingMillis() <= 0;
    }

    String statusLine() {
        String time = remaining();
        String coloured = remainingMillis() < 60_000 ? terminal.ansi().boldRed(time) : terminal.ansi().bold(time);
        return "Hold " + hold.getId() + " on " + Views.seats(hold.getSeatsList()) + " expires in " + coloured;
    }

    /** Prints the status line; the prompt must follow on the next line. */
    void printStatusLine() {
        terminal.println(statusLine());
    }

    private void tick() {
        terminal.rewriteLineAbovePrompt(statusLine());
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
