package dev.poolwise.benchmarks.studies.autosize;

import java.util.Locale;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.poolwise.autosize.AutosizeState;

/**
 * One application JVM of the fleet workload: a Poolwise-autosized pool (size 5, overflow 45) of the
 * application {@code fleet}, and clients that start at the given second. It prints its working maximum,
 * open connections, share, logins refused for want of slots, borrows and timeouts every 200ms for the parent to
 * read. Its pool logs in as an ordinary role, for which the server keeps the superuser slots.
 */
public final class FleetMember {

	private FleetMember() {
	}

	/**
	 * @param args JDBC URL, epoch millisecond all members count from, second at which the clients start,
	 * seconds to run, clients, role
	 */
	public static void main(String[] args) throws Exception {
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
		((Logger) LoggerFactory.getLogger("dev.poolwise.autosize")).setLevel(Level.INFO);
		String url = args[0];
		long epoch = Long.parseLong(args[1]);
		long startMillis = Math.round(Double.parseDouble(args[2]) * 1000);
		long endMillis = Math.round(Double.parseDouble(args[3]) * 1000);
		int clients = Integer.parseInt(args[4]);
		String role = args[5];
		try (Contender pool = Contender.autosize("fleet", url, role, 5, 50);
				Clients load = new Clients(pool.dataSource(), Workload.WORK, clients)) {
			while (System.currentTimeMillis() < epoch) {
				Thread.sleep(10);
			}
			long now;
			while ((now = System.currentTimeMillis() - epoch) < endMillis) {
				load.active((now >= startMillis) ? clients : 0);
				AutosizeState state = pool.state();
				System.out.println(String.format(Locale.ROOT, "STATE %d %d %d %s %d %d %d", now, pool.maximum(),
						pool.hikari().getHikariPoolMXBean().getTotalConnections(),
						(state != null) ? state.share() : null, Contender.REFUSED.get(), load.done(), load.timeouts()));
				System.out.flush();
				Thread.sleep(200);
			}
		}
	}

}
