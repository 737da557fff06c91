package dev.poolwise.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcUrlsTests {

	@Test
	void passwordsInTheQueryStringAreMasked() {
		assertThat(JdbcUrls.mask("jdbc:postgresql://db:5432/app?user=u&password=hunter2&sslpassword=k3y&ssl=true"))
			.isEqualTo("jdbc:postgresql://db:5432/app?user=u&password=******&sslpassword=******&ssl=true");
	}

	@Test
	void userInfoIsMasked() {
		assertThat(JdbcUrls.mask("jdbc:postgresql://u:hunter2@db/app")).isEqualTo("jdbc:postgresql://******@db/app");
	}

	@Test
	void urlsWithoutSecretsAreUnchanged() {
		String url = "jdbc:postgresql://db:5432/app?ssl=true";
		assertThat(JdbcUrls.mask(url)).isEqualTo(url);
	}

	@Test
	void parameterNamesAreReadFromTheQueryString() {
		assertThat(JdbcUrls.parameterNames("jdbc:postgresql://db/app?options=-c%20x%3D1&ssl")).containsExactly("options",
				"ssl");
		assertThat(JdbcUrls.parameterNames("jdbc:postgresql://db/app")).isEmpty();
	}

}
