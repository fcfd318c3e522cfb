#ifndef NEWSUTILS_CPU_H
#define NEWSUTILS_CPU_H

#include <stdbool.h>

/* The instruction sets a fast path may use beyond the build's own (SSE2
 * on x86-64), as the CPU says it has them. With NEWSUTILS_CPU=baseline in
 * the environment it has none: the tests run the paths a CPU without them
 * takes, on one that has them. A path chosen by cpu_has gives the same
 * output as the baseline one, only faster. */
enum cpu_feature {
	CPU_SSSE3,       /* SSSE3 and POPCNT */
	CPU_AVX512BW,    /* AVX-512 F and BW */
	CPU_AVX512VBMI,  /* AVX-512 F, BW and VBMI, and POPCNT */
	CPU_AVX512VBMI2, /* AVX-512 F, BW and VBMI2 */
	CPU_FEATURES
};

bool cpu_has(enum cpu_feature f);

#endif
