/* Unit tests for the container identity (container_id.c): cgroup and
 * mountinfo samples as the runtimes write them, and the order of sources. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/container_id.h"
#include "vigil/error.h"

#define ID64 "3f1e9c2b7a6d5e4f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7"
#define ID64B "605439acbd4fb18c145069289094b17f17e0cfa938f78012d4960bc797305f22"
#define SHORT "3f1e9c2b7a6d"
#define SHORTB "605439acbd4f"
#define POD_UID_SD "1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901"
#define POD_UID "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901"

struct cgroup_case {
  const char *label;
  const char *text;
  const char *id;   /* full id expected, NULL for none */
  const char *type; /* container.type expected */
};

static const struct cgroup_case cgroup_cases[] = {
  { "docker cgroup v1",
    "12:pids:/docker/" ID64 "\n11:memory:/docker/" ID64 "\n10:cpu,cpuacct:/docker/" ID64
    "\n1:name=systemd:/docker/" ID64 "\n0::/system.slice/containerd.service\n",
    ID64, "docker" },
  { "docker cgroup v2, systemd driver, host cgroupns", "0::/system.slice/docker-" ID64 ".scope\n", ID64, "docker" },
  { "docker cgroup v2, private cgroupns", "0::/\n", NULL, NULL },
  { "containerd, kubepods systemd burstable",
    "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_UID_SD
    ".slice/cri-containerd-" ID64 ".scope\n",
    ID64, "containerd" },
  { "containerd without SystemdCgroup",
    "0::/kubepods-besteffort-pod" POD_UID_SD ".slice:cri-containerd:" ID64 "\n", ID64, "containerd" },
  { "cri-o, kubepods systemd besteffort",
    "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_UID_SD ".slice/crio-" ID64
    ".scope\n",
    ID64, "cri-o" },
  { "cri-o, cgroupfs", "11:pids:/kubepods/besteffort/pod" POD_UID "/crio-" ID64B "\n", ID64B, "cri-o" },
  { "kubepods burstable cgroupfs v1 (containerd)",
    "12:hugetlb:/kubepods/burstable/pod" POD_UID "/" ID64B "\n11:memory:/kubepods/burstable/pod" POD_UID "/" ID64B
    "\n",
    ID64B, "cri" },
  { "kubepods besteffort cgroupfs", "0::/kubepods/besteffort/pod" POD_UID "/" ID64B "\n", ID64B, "cri" },
  { "podman rootless",
    "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID64 ".scope/container\n", ID64,
    "podman" },
  { "podman root", "0::/machine.slice/libpod-" ID64 ".scope\n", ID64, "podman" },
  { "podman without systemd", "0::/libpod_parent/libpod-" ID64 "\n", ID64, "podman" },
  { "containerd ctr namespace", "0::/default/redis-server\n", "redis-server", "containerd" },
  { "systemd slices on a host", "0::/user.slice/user-1000.slice/user@1000.service/app.slice/vte-spawn-1.scope\n",
    NULL, NULL },
  { "systemd service on a host", "0::/system.slice/ssh.service\n", NULL, NULL },
  { "host init", "0::/init.scope\n", NULL, NULL },
  { "host v1 hybrid", "12:pids:/user.slice/user-0.slice/session-1.scope\n1:name=systemd:/user.slice/user-0.slice\n0::/user.slice\n",
    NULL, NULL },
  { "not hex", "0::/system.slice/docker-zz1e9c2b7a6d5e4f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7.scope\n",
    NULL, NULL },
  { "lxc", "0::/lxc.payload.web01/system.slice/nginx.service\n", "web01", "lxc" },
  { "lxc v1", "4:memory:/lxc/mail\n", "mail", "lxc" },
  { "no colons at all", "garbage\n\n::\n:\n", NULL, NULL },
  { "empty", "", NULL, NULL },
};

START_TEST (test_cgroup_samples)
{
  for (size_t i = 0; i < sizeof cgroup_cases / sizeof cgroup_cases[0]; i++)
    {
      const struct cgroup_case *c = &cgroup_cases[i];
      char full[CONTAINER_FULL_ID_MAX] = "";
      const char *type = NULL;
      bool found = container_id_from_cgroup (c->text, full, sizeof full, &type);

      ck_assert_msg (found == (c->id != NULL), "%s: found=%d", c->label, found);
      if (c->id)
        {
          ck_assert_msg (strcmp (full, c->id) == 0, "%s: id %s", c->label, full);
          ck_assert_msg (strcmp (type, c->type) == 0, "%s: type %s", c->label, type);
        }
    }
  ck_assert (!container_id_from_cgroup (NULL, NULL, 0, NULL));
}
END_TEST

START_TEST (test_cgroup_edge)
{
  char full[CONTAINER_FULL_ID_MAX];
  const char *type;
  static char longline[70000];

  /* 63 and 65 hex digits are not runtime ids. */
  ck_assert (!container_id_from_cgroup ("0::/docker/" SHORT "9c2b7a6d5e4f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f\n",
                                        full, sizeof full, &type));
  ck_assert (!container_id_from_cgroup ("0::/system.slice/docker-" ID64 "0.scope\n", full, sizeof full, &type));
  /* A ctr id longer than 64 characters is refused. */
  memset (longline, 'a', sizeof longline - 1);
  memcpy (longline, "0::/default/", 12);
  ck_assert (!container_id_from_cgroup (longline, full, sizeof full, &type));
  /* The id of the first matching line wins. */
  ck_assert (container_id_from_cgroup ("2:cpu:/docker/" ID64B "\n1:pids:/docker/" ID64 "\n", full, sizeof full, &type));
  ck_assert_str_eq (full, ID64B);
  /* Upper-case hex is accepted as Falco accepts it. */
  ck_assert (container_id_from_cgroup ("0::/docker/3F1E9C2B7A6D5E4F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F7",
                                       full, sizeof full, &type));
  /* Too small a buffer: no id rather than a cut one. */
  ck_assert (!container_id_from_cgroup ("0::/docker/" ID64, full, 20, &type));

  ck_assert (container_cgroup_is_ns_root ("0::/\n"));
  ck_assert (container_cgroup_is_ns_root ("0::/"));
  ck_assert (!container_cgroup_is_ns_root ("0::/init.scope\n"));
  ck_assert (!container_cgroup_is_ns_root ("1:name=systemd:/\n0::/\n"));
  ck_assert (!container_cgroup_is_ns_root (NULL));
}
END_TEST

static const char docker_mountinfo[] =
  "1180 1056 0:158 / / rw,relatime master:590 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC:/var/lib/docker/overlay2/l/DEF,upperdir=/var/lib/docker/overlay2/0123/diff,workdir=/var/lib/docker/overlay2/0123/work\n"
  "1181 1180 0:161 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
  "1187 1180 0:163 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw,nsdelegate\n"
  "1190 1180 254:1 /var/lib/docker/containers/" ID64 "/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda1 rw\n"
  "1191 1180 254:1 /var/lib/docker/containers/" ID64 "/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw\n"
  "1192 1180 254:1 /var/lib/docker/containers/" ID64 "/hosts /etc/hosts rw,relatime - ext4 /dev/vda1 rw\n";

START_TEST (test_mountinfo_samples)
{
  char full[CONTAINER_FULL_ID_MAX];
  const char *type = NULL;

  ck_assert (container_id_from_mountinfo (docker_mountinfo, full, sizeof full, &type));
  ck_assert_str_eq (full, ID64);
  ck_assert_str_eq (type, "docker");

  /* /var/lib/docker on its own file system: the root is relative to it. */
  ck_assert (container_id_from_mountinfo ("99 1 8:17 /containers/" ID64B "/hostname /etc/hostname rw - xfs /dev/sdb1 rw\n",
                                          full, sizeof full, &type));
  ck_assert_str_eq (full, ID64B);

  /* podman keeps them in the container's userdata. */
  ck_assert (container_id_from_mountinfo (
    "512 500 0:44 /containers/storage/overlay-containers/" ID64 "/userdata/hostname /etc/hostname rw,nosuid,nodev - tmpfs tmpfs rw\n",
    full, sizeof full, &type));
  ck_assert_str_eq (full, ID64);
  ck_assert_str_eq (type, "podman");

  /* Kubernetes/containerd: the sandbox's files, no container id. */
  ck_assert (!container_id_from_mountinfo (
    "700 680 259:1 /var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/" ID64 "/hostname /etc/hostname rw - ext4 /dev/nvme0n1p1 rw\n"
    "701 680 259:1 /var/lib/kubelet/pods/" POD_UID "/etc-hosts /etc/hosts rw - ext4 /dev/nvme0n1p1 rw\n",
    full, sizeof full, &type));

  /* An id under another mount point is not the container's own. */
  ck_assert (!container_id_from_mountinfo ("5 1 8:1 /var/lib/docker/containers/" ID64 "/hostname /data/hostname rw - ext4 /dev/sda1 rw\n",
                                           full, sizeof full, &type));
  /* A host. */
  ck_assert (!container_id_from_mountinfo ("22 27 0:21 / /proc rw,relatime - proc proc rw\n"
                                           "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n",
                                           full, sizeof full, &type));
  /* Malformed lines. */
  ck_assert (!container_id_from_mountinfo ("\n \n1 2\n1 2 3 /containers/ /etc/hostname\n", full, sizeof full, &type));
  ck_assert (!container_id_from_mountinfo ("1 2 3 /containers/" ID64 " /etc/hostname\n", full, sizeof full, &type));
  ck_assert (!container_id_from_mountinfo (NULL, full, sizeof full, &type));
}
END_TEST

START_TEST (test_shorten)
{
  char out[CONTAINER_FULL_ID_MAX];

  container_id_shorten (ID64, out, sizeof out);
  ck_assert_str_eq (out, SHORT);
  container_id_shorten ("redis-server", out, sizeof out);
  ck_assert_str_eq (out, "redis-server");
  container_id_shorten ("abc", out, sizeof out);
  ck_assert_str_eq (out, "abc");
  container_id_shorten ("0123456789abcdef", out, sizeof out);
  ck_assert_str_eq (out, "0123456789ab");
  container_id_shorten ("a-very-long-hostname-of-a-pod", out, 8);
  ck_assert_str_eq (out, "a-very-");
}
END_TEST

/* ---- order of sources ---- */

static struct container_identity ci;

static void
resolve (const struct container_probe *in)
{
  container_identity_release (&ci);
  container_identity_resolve (in, &ci);
}

static void
release_ci (void)
{
  container_identity_release (&ci);
}

START_TEST (test_resolve_flag_and_env)
{
  char *env[] = { "VIGIL_CONTAINER_ID=from-env", "VIGIL_CONTAINER_NAME=web", "VIGIL_CONTAINER_IMAGE=nginx:1.25", NULL };
  struct container_probe in = {
    .flag_id = ID64, .envp = env, .cgroup = "0::/docker/" ID64B "\n", .hostname = "h", .dockerenv = true,
  };

  resolve (&in);
  ck_assert_int_eq (ci.source, CONTAINER_ID_FLAG);
  ck_assert_str_eq (ci.id, SHORT);
  ck_assert_str_eq (ci.full_id, ID64);
  ck_assert_str_eq (container_id_source_name (ci.source), "--container-id");
  ck_assert_str_eq (ci.name, "web");
  ck_assert_str_eq (ci.image, "nginx:1.25");
  ck_assert_str_eq (ci.evidence, "/.dockerenv");

  in.flag_id = NULL;
  in.flag_name = "flagname";
  in.flag_image = "img:flag";
  resolve (&in);
  ck_assert_int_eq (ci.source, CONTAINER_ID_ENV);
  ck_assert_str_eq (ci.id, "from-env");
  ck_assert_str_eq (ci.full_id, "from-env");
  ck_assert_str_eq (ci.name, "flagname");
  ck_assert_str_eq (ci.image, "img:flag");
  ck_assert_str_eq (container_id_source_name (ci.source), "VIGIL_CONTAINER_ID");

  /* An empty variable counts as unset. */
  char *empty[] = { "VIGIL_CONTAINER_ID=", NULL };
  in.envp = empty;
  resolve (&in);
  ck_assert_int_eq (ci.source, CONTAINER_ID_CGROUP);
  ck_assert_str_eq (ci.id, SHORTB);
  ck_assert_str_eq (ci.full_id, ID64B);
  ck_assert_str_eq (ci.type, "docker");
}
END_TEST

START_TEST (test_resolve_cgroup_then_mountinfo)
{
  struct container_probe in = { .cgroup = "0::/system.slice/docker-" ID64 ".scope\n", .hostname = "h" };

  /* A runtime id is evidence enough. */
  resolve (&in);
  ck_assert_int_eq (ci.source, CONTAINER_ID_CGROUP);
  ck_assert_str_eq (ci.id, SHORT);
  ck_assert_str_eq (ci.evidence, "cgroup");
  ck_assert_ptr_null (ci.name);
  ck_assert_ptr_null (ci.image);

  /* Private cgroup namespace: the hostname bind mount gives it away. */
  in.cgroup = "0::/\n";
  in.mountinfo = docker_mountinfo;
  in.dockerenv = true;
  resolve (&in);
  ck_assert_int_eq (ci.source, CONTAINER_ID_MOUNTINFO);
  ck_assert_str_eq (ci.id, SHORT);
  ck_assert_str_eq (ci.type, "docker");
  ck_assert_str_eq (container_id_source_name (ci.source), "mountinfo");
}
END_TEST

START_TEST (test_resolve_kubernetes)
{
  char *env[] = { "KUBERNETES_SERVICE_HOST=10.96.0.1", "POD_NAME=web-7d9f8c-abcde", "POD_NAMESPACE=shop",
                  "POD_UID=" POD_UID, "POD_IP=10.244.1.7", NULL };
  /* Docker-shim style: the hostname belongs to the pod sandbox. */
  struct container_probe in = { .envp = env, .cgroup = "0::/\n", .mountinfo = docker_mountinfo, .hostname = "node-1" };

  resolve (&in);
  ck_assert_int_eq (ci.source, CONTAINER_ID_K8S);
  ck_assert_str_eq (ci.id, "web-7d9f8c-abcde");
  ck_assert_str_eq (ci.name, "web-7d9f8c-abcde");
  ck_assert_str_eq (ci.k8s_pod_name, "web-7d9f8c-abcde");
  ck_assert_str_eq (ci.k8s_ns_name, "shop");
  ck_assert_str_eq (ci.k8s_pod_uid, POD_UID);
  ck_assert_str_eq (ci.k8s_pod_ip, "10.244.1.7");
  ck_assert_str_eq (ci.evidence, "Kubernetes environment variables");
  ck_assert_str_eq (container_id_source_name (ci.source), "POD_NAME");

  /* With the host's cgroup namespace the runtime id still wins. */
  in.cgroup = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_UID_SD
              ".slice/cri-containerd-" ID64 ".scope\n";
  resolve (&in);
  ck_assert_int_eq (ci.source, CONTAINER_ID_CGROUP);
  ck_assert_str_eq (ci.id, SHORT);
  ck_assert_str_eq (ci.type, "containerd");
  ck_assert_str_eq (ci.name, "web-7d9f8c-abcde");
}
END_TEST

START_TEST (test_resolve_evidence_means_hostname)
{
  struct container_probe in = { .cgroup = "0::/\n", .hostname = "c0ffee123456" };
  char *podman[] = { "container=podman", NULL };

  /* Each piece of evidence alone gives the hostname, never "host". */
  resolve (&in);
  ck_assert_int_eq (ci.source, CONTAINER_ID_HOSTNAME);
  ck_assert_str_eq (ci.id, "c0ffee123456");
  ck_assert_str_eq (ci.evidence, "cgroup namespace root");
  ck_assert_ptr_null (ci.name);

  in.cgroup = "0::/user.slice\n";
  in.dockerenv = true;
  resolve (&in);
  ck_assert_str_eq (ci.id, "c0ffee123456");
  ck_assert_str_eq (ci.evidence, "/.dockerenv");

  in.dockerenv = false;
  in.containerenv = true;
  resolve (&in);
  ck_assert_str_eq (ci.evidence, "/run/.containerenv");

  in.containerenv = false;
  in.envp = podman;
  resolve (&in);
  ck_assert_int_eq (ci.source, CONTAINER_ID_HOSTNAME);
  ck_assert_str_eq (ci.evidence, "the container environment variable");

  in.envp = NULL;
  in.is_pid1 = true;
  in.hostname = "";
  resolve (&in);
  ck_assert_int_eq (ci.source, CONTAINER_ID_HOSTNAME);
  ck_assert_str_eq (ci.id, "unknown");
  ck_assert_str_eq (ci.evidence, "vigil is PID 1");
  ck_assert_str_eq (container_id_source_name (ci.source), "hostname");
}
END_TEST

START_TEST (test_resolve_host)
{
  char *env[] = { "HOME=/root", "container=", NULL };
  struct container_probe in = {
    .envp = env,
    .cgroup = "0::/user.slice/user-1000.slice/session-2.scope\n",
    .mountinfo = "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n",
    .hostname = "laptop",
  };

  resolve (&in);
  ck_assert_int_eq (ci.source, CONTAINER_ID_HOST);
  ck_assert_str_eq (ci.id, "host");
  ck_assert_str_eq (ci.full_id, "host");
  ck_assert_str_eq (ci.name, "host");
  ck_assert_ptr_null (ci.evidence);
  ck_assert_ptr_null (ci.type);
  ck_assert_str_eq (container_id_source_name (ci.source), "host");
}
END_TEST

/* The real thing, whatever this machine is: a consistent answer. */
START_TEST (test_detect_here)
{
  struct container_identity here;
  vigil_error_t err = NULL;

  ck_assert_int_eq (container_identity_detect (NULL, "n", NULL, &here, &err), 0);
  ck_assert_ptr_nonnull (here.id);
  ck_assert_ptr_nonnull (here.full_id);
  ck_assert_str_eq (here.name, "n");
  if (here.source == CONTAINER_ID_HOST)
    ck_assert_ptr_null (here.evidence);
  else
    ck_assert_ptr_nonnull (here.evidence);
  ck_assert_str_ne (here.id, here.source == CONTAINER_ID_HOST ? "" : "host");
  printf ("container identity here: id=%s source=%s evidence=%s\n", here.id,
          container_id_source_name (here.source), here.evidence ? here.evidence : "none");
  container_identity_release (&here);
  ck_assert_ptr_null (here.id);
}
END_TEST

static Suite *
container_id_suite (void)
{
  Suite *s = suite_create ("container_id");
  TCase *tc = tcase_create ("parsers");

  tcase_add_test (tc, test_cgroup_samples);
  tcase_add_test (tc, test_cgroup_edge);
  tcase_add_test (tc, test_mountinfo_samples);
  tcase_add_test (tc, test_shorten);
  suite_add_tcase (s, tc);

  tc = tcase_create ("resolve");
  tcase_add_checked_fixture (tc, NULL, release_ci);
  tcase_add_test (tc, test_resolve_flag_and_env);
  tcase_add_test (tc, test_resolve_cgroup_then_mountinfo);
  tcase_add_test (tc, test_resolve_kubernetes);
  tcase_add_test (tc, test_resolve_evidence_means_hostname);
  tcase_add_test (tc, test_resolve_host);
  tcase_add_test (tc, test_detect_here);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (container_id_suite ());
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
