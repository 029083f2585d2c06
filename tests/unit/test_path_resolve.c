/* Unit tests for path_resolve.c: a child process is the target, with a
 * cwd of its own in a scratch tree; the walks must reach what the child's
 * own syscalls would, /proc/self must be the child, and vigil's (this
 * process's) /proc entries must stay out of reach. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vigil/path_resolve.h"

static char dir[PATH_MAX];
static pid_t child = -1;

static void
sh (const char *fmt, const char *arg)
{
  char cmd[2 * PATH_MAX];
  snprintf (cmd, sizeof cmd, fmt, arg, arg, arg, arg);
  ck_assert_int_eq (system (cmd), 0);
}

static void
setup (void)
{
  snprintf (dir, sizeof dir, "%s/vigil-resolve.XXXXXX", getenv ("TMPDIR") ? getenv ("TMPDIR") : "/tmp");
  ck_assert_ptr_nonnull (mkdtemp (dir));
  sh ("mkdir -p %s/cwd/sub %s/other && echo f > %s/cwd/file && ln -s ../other %s/cwd/up", dir);
  sh ("ln -s loop %s/cwd/loop && ln -s /proc/self/status %s/cwd/status-link", dir);
  child = fork ();
  ck_assert_int_ge (child, 0);
  if (child == 0)
    {
      char cwd[PATH_MAX + 8];
      snprintf (cwd, sizeof cwd, "%s/cwd", dir);
      if (chdir (cwd) < 0)
        _exit (1);
      pause ();
      _exit (0);
    }
  /* Wait until the child is in its cwd. */
  char link[64], target[PATH_MAX];
  snprintf (link, sizeof link, "/proc/%d/cwd", (int) child);
  for (int i = 0; i < 2000; i++)
    {
      ssize_t n = readlink (link, target, sizeof target - 1);
      if (n > 0 && (target[n] = '\0', strstr (target, "/cwd") != NULL))
        break;
      usleep (1000);
    }
}

static void
teardown (void)
{
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  sh ("rm -rf %s", dir);
}

/* Resolve path for the child; returns -errno or 0 with *out. */
static int
resolve (const char *path, bool follow, bool parent_if_missing, bool parent_always, struct resolved_path *out)
{
  struct resolve_request rq = { .dirfd = AT_FDCWD, .path = path, .follow_last = follow,
                                .parent_if_missing = parent_if_missing, .parent_always = parent_always };
  struct path_handles h;
  int r = path_handles_open (child, child, &rq, &h);
  if (r < 0)
    return r;
  r = path_resolve (&h, &rq, out);
  path_handles_close (&h);
  return r;
}

static void
expect_path (const char *path, const char *want_suffix)
{
  struct resolved_path r;
  int rc = resolve (path, true, false, false, &r);
  ck_assert_msg (rc == 0, "%s: %s", path, strerror (-rc));
  size_t n = strlen (r.path), m = strlen (want_suffix);
  ck_assert_msg (n >= m && strcmp (r.path + n - m, want_suffix) == 0, "%s reached %s, not ...%s", path, r.path,
                 want_suffix);
  close (r.fd);
}

START_TEST (test_relative_from_target_cwd)
{
  expect_path ("file", "/cwd/file");
  expect_path ("./sub/../file", "/cwd/file");
  expect_path ("up", "/other"); /* a relative symlink, followed */
}
END_TEST

START_TEST (test_errors_as_the_kernel)
{
  struct resolved_path r;
  ck_assert_int_eq (resolve ("nope", true, false, false, &r), -ENOENT);
  ck_assert_int_eq (resolve ("file/x", true, false, false, &r), -ENOTDIR);
  ck_assert_int_eq (resolve ("loop", true, false, false, &r), -ELOOP);
}
END_TEST

START_TEST (test_proc_self_is_the_target)
{
  char want[64];
  struct resolved_path r;
  snprintf (want, sizeof want, "/%d/status", (int) child);
  expect_path ("/proc/self/status", want);
  expect_path ("status-link", want);
  /* /proc/self/cwd is a magic link: followed from the child's entry. */
  expect_path ("/proc/self/cwd/file", "/cwd/file");
  ck_assert_int_eq (resolve ("/proc/self/cwd/file", true, false, false, &r), 0);
  ck_assert (S_ISREG (r.st.st_mode));
  close (r.fd);
}
END_TEST

START_TEST (test_vigil_proc_entries_refused)
{
  char p[64];
  struct resolved_path r;
  snprintf (p, sizeof p, "/proc/%d/environ", (int) getpid ());
  ck_assert_int_eq (resolve (p, true, false, false, &r), -EACCES);
  snprintf (p, sizeof p, "/proc/%d/mem", (int) getpid ());
  ck_assert_int_eq (resolve (p, true, false, false, &r), -EACCES);
  snprintf (p, sizeof p, "/proc/%d/fd/0", (int) getpid ());
  ck_assert_int_eq (resolve (p, true, false, false, &r), -EACCES);
  snprintf (p, sizeof p, "/proc/%d/status", (int) getpid ());
  ck_assert_int_eq (resolve (p, true, false, false, &r), 0);
  close (r.fd);
}
END_TEST

START_TEST (test_parents)
{
  struct resolved_path r;
  ck_assert_int_eq (resolve ("new-file", true, true, false, &r), 0);
  ck_assert (r.missing);
  ck_assert_str_eq (r.name, "new-file");
  ck_assert (S_ISDIR (r.st.st_mode));
  close (r.fd);
  ck_assert_int_eq (resolve ("up/x", false, false, true, &r), 0);
  ck_assert_str_eq (r.name, "x");
  ck_assert_msg (strstr (r.path, "/other/x") != NULL, "%s", r.path);
  close (r.fd);
  ck_assert_int_eq (resolve ("sub/", false, false, true, &r), 0);
  ck_assert_str_eq (r.name, "sub");
  close (r.fd);
}
END_TEST

START_TEST (test_nofollow_keeps_the_link)
{
  struct resolved_path r;
  ck_assert_int_eq (resolve ("up", false, false, false, &r), 0);
  ck_assert (S_ISLNK (r.st.st_mode));
  close (r.fd);
}
END_TEST

/* vigil's own fds, reached through its fd directory: the path of an
 * O_PATH fd, and a readable fd to the same file; in a forked child, the
 * child's own table. */
START_TEST (test_self_fd_readlink_and_reopen)
{
  char path[PATH_MAX + 16], got[PATH_MAX], buf[8];
  snprintf (path, sizeof path, "%s/cwd/file", dir);
  int fd = open (path, O_PATH | O_CLOEXEC);
  ck_assert_int_ge (fd, 0);
  ssize_t n = self_fd_readlink (fd, got, sizeof got - 1);
  ck_assert_int_gt (n, 0);
  got[n] = '\0';
  ck_assert_str_eq (got, path);
  int rd = self_fd_reopen (fd, O_RDONLY | O_CLOEXEC, 0);
  ck_assert_int_ge (rd, 0);
  ck_assert_int_eq (read (rd, buf, sizeof buf), 2);
  ck_assert_int_eq (memcmp (buf, "f\n", 2), 0);
  close (rd);

  int spare = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      /* Closed here only: the parent's table still holds it. */
      close (spare);
      _exit (self_fd_readlink (spare, got, sizeof got) < 0 && errno == ENOENT ? 0 : 1);
    }
  int status;
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0, "the child read its parent's fd table");
  close (spare);
  close (fd);
  ck_assert_int_lt (self_fd_readlink (fd, got, sizeof got), 0);
  ck_assert_int_eq (errno, ENOENT);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("path_resolve");
  TCase *tc = tcase_create ("walk");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_relative_from_target_cwd);
  tcase_add_test (tc, test_errors_as_the_kernel);
  tcase_add_test (tc, test_proc_self_is_the_target);
  tcase_add_test (tc, test_vigil_proc_entries_refused);
  tcase_add_test (tc, test_parents);
  tcase_add_test (tc, test_nofollow_keeps_the_link);
  tcase_add_test (tc, test_self_fd_readlink_and_reopen);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
