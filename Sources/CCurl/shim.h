#ifndef KIJKO_CCURL_SHIM_H
#define KIJKO_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
   wrapper per argument kind. */
typedef size_t (*kijko_curl_data_fn)(char *data, size_t size, size_t count, void *user);

static inline CURLcode kijko_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kijko_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kijko_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kijko_curl_set_function(CURL *handle, CURLoption option, kijko_curl_data_fn value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kijko_curl_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
#endif
