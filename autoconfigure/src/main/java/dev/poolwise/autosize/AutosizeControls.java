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
	 * Resizes an autosized pool by hand: pauses its controller first, then applies the resize, both under the
	 * controller's lock, so a tick that is deciding cannot overwrite the resize with its own decision.
	 * @param beanName the pool's DataSource bean
	 * @param max the maximum the resize sets, the controller's new ceiling
	 * @param resize what applies the resize to the pool
	 * @return a sentence saying what the controller does now, or null, without applying anything, when the
	 * pool is not autosized
	 */
	@Nullable String resizeManually(String beanName, int max, Runnable resize);

}
