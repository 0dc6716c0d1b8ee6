package org.ppl4j.estimators;

/**
 * Measured quantities the proof suite prints (variances, margins), one line each with the prefix
 * {@code [estimators-proof]} so that {@code mvn test | grep estimators-proof} collects them for
 * docs/estimators-tests.md.
 */
final class Report {
    private Report() {
    }

    static void line(String topic, String format, Object... args) {
        System.out.println("[estimators-proof] " + topic + ": " + String.format(format, args));
    }
}
