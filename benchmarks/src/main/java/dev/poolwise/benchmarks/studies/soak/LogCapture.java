package dev.poolwise.benchmarks.studies.soak;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Everything this JVM prints while a soak runs, still printed and also kept, for the soak's check that
 * no password reached the log; what the CI run gets from Spring Boot's {@code OutputCaptureExtension}.
 */
final class LogCapture implements AutoCloseable {

	private final PrintStream out = System.out;

	private final PrintStream err = System.err;

	private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

	private LogCapture() {
		System.setOut(tee(this.out));
		System.setErr(tee(this.err));
	}

	static LogCapture start() {
		return new LogCapture();
	}

	private PrintStream tee(PrintStream original) {
		return new PrintStream(new OutputStream() {

			@Override
			public void write(int b) {
				synchronized (LogCapture.this.kept) {
					LogCapture.this.kept.write(b);
				}
				original.write(b);
			}

			@Override
			public void write(byte[] bytes, int offset, int length) {
				synchronized (LogCapture.this.kept) {
					LogCapture.this.kept.write(bytes, offset, length);
				}
				original.write(bytes, offset, length);
			}

			@Override
			public void flush() {
				original.flush();
			}

		}, true, StandardCharsets.UTF_8);
	}

	String text() {
		synchronized (this.kept) {
			return this.kept.toString(StandardCharsets.UTF_8);
		}
	}

	@Override
	public void close() {
		System.setOut(this.out);
		System.setErr(this.err);
	}

}
