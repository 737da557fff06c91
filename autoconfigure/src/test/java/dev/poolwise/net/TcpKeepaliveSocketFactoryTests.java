package dev.poolwise.net;

import java.io.IOException;
import java.net.Socket;

import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TcpKeepaliveSocketFactoryTests {

	@Test
	void socketsCarryKeepaliveAndItsTiming() throws IOException {
		TcpKeepaliveSocketFactory factory = new TcpKeepaliveSocketFactory(TcpKeepaliveSocketFactory.argument(45, 7, 3));
		try (Socket socket = factory.createSocket()) {
			assertThat(socket.getKeepAlive()).isTrue();
			assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(45);
			assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(7);
			assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(3);
		}
	}

	@Test
	void malformedArgumentsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TcpKeepaliveSocketFactory("60,10"))
			.withMessageContaining("idle,interval,count");
	}

}
