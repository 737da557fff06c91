package dev.poolwise.soak;

/**
 * One end-of-soak assertion and what it found.
 *
 * @param name what it asserts
 * @param passed whether it held
 * @param detail what was found: counts when it held, the first offenders when it did not
 */
public record Check(String name, boolean passed, String detail) {

}
