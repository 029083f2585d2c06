/* The race's targets: built twice, -DDENIED for the one that must never run. */
#include <unistd.h>

int
main (void)
{
#ifdef DENIED
  static const char token[] = "DENIED-RAN\n";
  write (2, token, sizeof token - 1);
  return 42;
#else
  return 0;
#endif
}
