package dev.poolwise.benchmarks.studies.batched.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import org.jspecify.annotations.Nullable;

/**
 * A row of the batched-writes benchmark's JPA workload. Ids come from a sequence in blocks of 50, as
 * {@code hibernate.jdbc.batch_size=50} needs: an identity column would make Hibernate insert one row at a
 * time to learn each id. {@code number} is set by the benchmark, so both sides' rows can be compared
 * whatever ids they drew.
 */
@Entity
@Table(name = "batched_entities")
public class BatchedEntity {

	@Id
	@GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "batched_entities")
	@SequenceGenerator(name = "batched_entities", sequenceName = "batched_entities_seq", allocationSize = 50)
	private @Nullable Long id;

	private int number;

	private String name;

	private @Nullable Integer amount;

	protected BatchedEntity() {
	}

	public BatchedEntity(int number, String name, @Nullable Integer amount) {
		this.number = number;
		this.name = name;
		this.amount = amount;
	}

	public @Nullable Long getId() {
		return this.id;
	}

	public int getNumber() {
		return this.number;
	}

	public String getName() {
		return this.name;
	}

	public @Nullable Integer getAmount() {
		return this.amount;
	}

}
