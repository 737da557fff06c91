package dev.poolwise.autoconfigure.drain;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A table Hibernate creates at startup and drops at shutdown ({@code ddl-auto=create-drop}).
 */
@Entity
@Table(name = "drain_create_drop_item")
class DrainedItem {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	private String name;

	protected DrainedItem() {
	}

	DrainedItem(String name) {
		this.name = name;
	}

}
