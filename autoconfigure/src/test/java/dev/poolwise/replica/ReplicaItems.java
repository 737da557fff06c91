package dev.poolwise.replica;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/**
 * A Spring Data repository whose finders are read-only transactions, as {@code SimpleJpaRepository} declares.
 */
interface ReplicaItems extends JpaRepository<ReplicaItem, Long> {

	@Transactional(readOnly = true)
	@Query(value = "SELECT inet_server_port()", nativeQuery = true)
	int serverPort();

}
