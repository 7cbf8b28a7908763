/*
 * clock.h - the clock that deadlines are measured on: monotonic, so that a
 * change of the system's time neither ends a sign-in early nor keeps it
 * waiting.
 */
#ifndef TA_BASE_CLOCK_H
#define TA_BASE_CLOCK_H

/* Milliseconds on CLOCK_MONOTONIC. */
__attribute__((visibility("hidden"))) long long ta_monotonic_ms(void);

#endif
