#ifndef PRUNE_CMALLOC_SHIM_H
#define PRUNE_CMALLOC_SHIM_H
// glibc's malloc tuning (malloc_trim); part of libc6-dev, nothing to link.
#include <malloc.h>
#endif
