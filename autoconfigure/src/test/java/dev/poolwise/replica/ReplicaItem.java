package dev.poolwise.replica;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A row the JPA routing tests write on the primary and read back on a replica.
 */
@Entity
@Table(name = "replica_item")
class ReplicaItem {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	private String name;

	protected ReplicaItem() {
	}

	ReplicaItem(String name) {
		this.name = name;
	}

	String getName() {
		return this.name;
	}

}
