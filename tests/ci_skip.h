// A Qt test that cannot run here skips with its reason on a developer's machine, but fails in CI
// (CI set in the environment), where a skipped test must not pass for a tested one.
#pragma once

#include <QtTest>

#define PONDER_QSKIP(reason)                                                        \
    do {                                                                            \
        if (qEnvironmentVariableIsSet("CI")) QFAIL("cannot run in CI: " reason);    \
        QSKIP(reason);                                                              \
    } while (0)
