package dev.poolwise.autosize;

import org.jspecify.annotations.Nullable;

/**
 * The autosize controllers as the endpoint sees them. An interface of its own so the endpoint works without
 * Micrometer, where the controllers publish their meters.
 */
public interface AutosizeControls {

	/**
	 * The state of one pool's controller.
	 * @param beanName the pool's DataSource bean
	 * @return the state, or null when the pool is not autosized
	 */
	@Nullable AutosizeState state(String beanName);

	/**
	 * Tells one pool's controller that it was resized by hand, which pauses it.
	 * @param beanName the pool's DataSource bean
	 * @param max the maximum the resize set, the controller's new ceiling
	 * @return a sentence saying what the controller does now, or null when the pool is not autosized
	 */
	@Nullable String resizedManually(String beanName, int max);

}
