/* libcurl, loaded only when an HTTP output is configured.
 *
 * Linked in, libcurl brings its TLS and authentication libraries
 * (libcrypto, gnutls, krb5, ...) into every supervisor: about half of its
 * memory, for an output most deployments do not enable. */
#ifndef VIGIL_CURL_LIB_H
#define VIGIL_CURL_LIB_H

#include <curl/curl.h>

#include "vigil/error.h"

/* The functions vigil calls, with libcurl's own prototypes. */
struct curl_lib {
  __typeof__ (curl_global_init) *global_init;
  __typeof__ (curl_free) *free;
  __typeof__ (curl_easy_init) *easy_init;
  __typeof__ (curl_easy_setopt) *easy_setopt;
  __typeof__ (curl_easy_getinfo) *easy_getinfo;
  __typeof__ (curl_easy_strerror) *easy_strerror;
  __typeof__ (curl_easy_cleanup) *easy_cleanup;
  __typeof__ (curl_slist_append) *slist_append;
  __typeof__ (curl_slist_free_all) *slist_free_all;
  __typeof__ (curl_multi_init) *multi_init;
  __typeof__ (curl_multi_add_handle) *multi_add_handle;
  __typeof__ (curl_multi_remove_handle) *multi_remove_handle;
  __typeof__ (curl_multi_perform) *multi_perform;
  __typeof__ (curl_multi_poll) *multi_poll;
  __typeof__ (curl_multi_info_read) *multi_info_read;
  __typeof__ (curl_multi_cleanup) *multi_cleanup;
  __typeof__ (curl_url) *url;
  __typeof__ (curl_url_set) *url_set;
  __typeof__ (curl_url_get) *url_get;
  __typeof__ (curl_url_strerror) *url_strerror;
  __typeof__ (curl_url_cleanup) *url_cleanup;
};

/** Load libcurl (once, for the life of the process) and initialize it
 *  (curl_global_init).  Returns its functions, or NULL with *err set. */
const struct curl_lib *curl_lib_load (vigil_error_t *err);

#endif
