#include "cpu.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static bool has[CPU_FEATURES];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void cpu_init(void)
{
	const char *want = getenv("NEWSUTILS_CPU");
	if (want && strcmp(want, "baseline") == 0)
		return;
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
	__builtin_cpu_init();
	has[CPU_SSSE3] = __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("popcnt");
	has[CPU_AVX512BW] = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
	has[CPU_AVX512VBMI] = has[CPU_AVX512BW] && __builtin_cpu_supports("avx512vbmi") &&
			      __builtin_cpu_supports("popcnt");
	has[CPU_AVX512VBMI2] = has[CPU_AVX512BW] && __builtin_cpu_supports("avx512vbmi2");
#endif
}

bool cpu_has(enum cpu_feature f)
{
	pthread_once(&once, cpu_init);
	return has[f];
}
