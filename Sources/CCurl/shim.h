#ifndef KIJKO_CCURL_SHIM_H
#define KIJKO_CCURL_SHIM_H
#include <curl/curl.h>
#endif
