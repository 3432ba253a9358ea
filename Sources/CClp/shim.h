#ifndef PRUNE_CCLP_SHIM_H
#define PRUNE_CCLP_SHIM_H
#include <coin/Clp_C_Interface.h>
#endif
