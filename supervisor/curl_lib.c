/* vigil: libcurl, loaded on first use (see curl_lib.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "vigil/curl_lib.h"

static struct curl_lib lib;
static const char *load_failure; /* NULL: loaded */
static char load_detail[256];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static const struct {
  const char *name;
  size_t offset;
} symbols[] = {
#define SYM(field) { "curl_" #field, offsetof (struct curl_lib, field) }
  SYM (global_init),     SYM (free),           SYM (easy_init),        SYM (easy_setopt),
  SYM (easy_getinfo),    SYM (easy_strerror),  SYM (easy_cleanup),     SYM (slist_append),
  SYM (slist_free_all),  SYM (multi_init),     SYM (multi_add_handle), SYM (multi_remove_handle),
  SYM (multi_perform),   SYM (multi_poll),     SYM (multi_info_read),  SYM (multi_cleanup),
  SYM (url),             SYM (url_set),        SYM (url_get),          SYM (url_strerror),
  SYM (url_cleanup),
#undef SYM
};

static void
load (void)
{
  /* The soname every libcurl 7.x and 8.x installs. */
  void *h = dlopen ("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    {
      snprintf (load_detail, sizeof load_detail, "%s", dlerror ());
      load_failure = "cannot load libcurl (needed by http_output)";
      return;
    }
  for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
    {
      void *f = dlsym (h, symbols[i].name);
      if (f == NULL)
        {
          snprintf (load_detail, sizeof load_detail, "%s", symbols[i].name);
          load_failure = "libcurl lacks a function vigil needs";
          return;
        }
      memcpy ((char *) &lib + symbols[i].offset, &f, sizeof f);
    }
  CURLcode rc = lib.global_init (CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK)
    {
      snprintf (load_detail, sizeof load_detail, "%s", lib.easy_strerror (rc));
      load_failure = "libcurl failed to initialize";
    }
}

const struct curl_lib *
curl_lib_load (vigil_error_t *err)
{
  pthread_once (&load_once, load);
  if (load_failure)
    {
      vigil_make_error (err, 0, "%s: %s", load_failure, load_detail);
      return NULL;
    }
  return &lib;
}
