/* vigil: which container vigil runs in (container.* and k8s.* fields).
 *
 * Inside a container there is no runtime to ask, so the identity comes
 * from what the container can see, first match wins:
 *
 *   1. --container-id ID                    (source "--container-id")
 *   2. VIGIL_CONTAINER_ID                   ("VIGIL_CONTAINER_ID")
 *   3. /proc/self/cgroup: the runtime id in the cgroup path, matched as
 *      Falco's container engines match it (docker, cri-o, containerd,
 *      podman, lxc, kubepods cgroupfs and systemd layouts; containerd's
 *      /<namespace>/<id> accepts short non-hex ids as Falco does)
 *                                                            ("cgroup")
 *   4. /proc/self/mountinfo: the id in the source of the /etc/hostname,
 *      /etc/hosts or /etc/resolv.conf bind mount (Docker's
 *      <data-root>/containers/<id>/hostname, podman's
 *      overlay-containers/<id>/userdata/).  Not under Kubernetes, where
 *      those files belong to the pod sandbox, not the container.
 *                                                            ("mountinfo")
 *   5. Kubernetes downward API: POD_NAME                     ("POD_NAME")
 *   6. evidence of a container but no id: the hostname, never "host"
 *                                                            ("hostname")
 *   7. otherwise "host"                                      ("host")
 *
 * Real runtime ids (3, 4) come before the pod name because they are what
 * Falco on the node prints, so alerts correlate; set VIGIL_CONTAINER_ID to
 * override.  The pod name beats the hostname because with hostNetwork the
 * hostname is the node's.
 *
 * Evidence of a container: /.dockerenv, /run/.containerenv, a `container`
 * environment variable (systemd-nspawn, podman, LXC), KUBERNETES_SERVICE_HOST
 * or POD_NAME, vigil being PID 1 (init of its own pid namespace), or a
 * cgroup v2 file that is just "0::/" (the root of a cgroup namespace).
 *
 * Name: --container-name, VIGIL_CONTAINER_NAME, else POD_NAME under
 * Kubernetes (the downward API cannot expose the container's own name);
 * "host" on a host.  Image: --container-image or VIGIL_CONTAINER_IMAGE
 * (the downward API cannot expose it either).
 *
 * Kubernetes downward-API variables read (set them in the pod spec with
 * fieldRef): POD_NAME (metadata.name), POD_NAMESPACE (metadata.namespace),
 * POD_UID (metadata.uid), POD_IP (status.podIP) -> k8s.pod.name,
 * k8s.ns.name, k8s.pod.uid, k8s.pod.ip and container.ip. */
#ifndef VIGIL_CONTAINER_ID_H
#define VIGIL_CONTAINER_ID_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/error.h"

/* Falco prints the first 12 characters of a runtime's 64-hex id. */
#define CONTAINER_SHORT_ID_LEN 12
#define CONTAINER_FULL_ID_MAX 65

enum container_id_source {
  CONTAINER_ID_FLAG,
  CONTAINER_ID_ENV,
  CONTAINER_ID_CGROUP,
  CONTAINER_ID_MOUNTINFO,
  CONTAINER_ID_K8S,
  CONTAINER_ID_HOSTNAME,
  CONTAINER_ID_HOST,
};

struct container_identity {
  char *id;      /* container.id: 12 chars of a runtime id, else as found */
  char *full_id; /* container.full_id */
  char *type;    /* container.type (docker, containerd, cri-o, podman, cri), or NULL */
  char *name;    /* container.name, or NULL when unknown ("host" on a host) */
  char *image;   /* container.image, or NULL */
  char *k8s_pod_name, *k8s_ns_name, *k8s_pod_uid, *k8s_pod_ip; /* NULL when unset */
  enum container_id_source source;
  const char *evidence; /* why vigil thinks it is in a container (static text), NULL on a host */
};

/* What the resolver looks at, as plain data so tests can feed samples. */
struct container_probe {
  const char *flag_id, *flag_name, *flag_image; /* NULL when not given */
  char *const *envp;                            /* NULL-terminated; NULL: none */
  const char *cgroup;                           /* /proc/self/cgroup text or NULL */
  const char *mountinfo;                        /* /proc/self/mountinfo text or NULL */
  const char *hostname;
  bool dockerenv;    /* /.dockerenv exists */
  bool containerenv; /* /run/.containerenv exists */
  bool is_pid1;      /* getpid () == 1 */
};

/** Decide the identity from a probe (pure: no file or environment access).
 *  Fills *out; release it with container_identity_release(). */
void container_identity_resolve (const struct container_probe *in, struct container_identity *out);

/** Build the probe from this process (/proc/self/cgroup and mountinfo read
 *  with a size cap, environ, gethostname, /.dockerenv, /run/.containerenv,
 *  getpid) and resolve it.  flag_*: the command-line values or NULL.
 *  Returns 0; negative with *err only when the hostname cannot be read. */
int container_identity_detect (const char *flag_id, const char *flag_name, const char *flag_image,
                               struct container_identity *out, vigil_error_t *err);

void container_identity_release (struct container_identity *ci);

/** How the id was found, for the start-up log ("cgroup", "VIGIL_CONTAINER_ID"...). */
const char *container_id_source_name (enum container_id_source s);

/** Find a runtime id in /proc/<pid>/cgroup text: each line's path is tried
 *  against the docker, cri-o/containerd, podman, lxc and containerd-namespace
 *  layouts; the first match wins.  Writes the full id to full (fullsz >=
 *  CONTAINER_FULL_ID_MAX) and its container.type to *type; false if none. */
bool container_id_from_cgroup (const char *cgroup, char *full, size_t fullsz, const char **type);

/** Same for /proc/<pid>/mountinfo text (hostname/hosts/resolv.conf bind
 *  mounts), see the header comment. */
bool container_id_from_mountinfo (const char *mountinfo, char *full, size_t fullsz, const char **type);

/** True when the cgroup text is only "0::/": vigil sits at the root of a
 *  cgroup namespace, as containers do. */
bool container_cgroup_is_ns_root (const char *cgroup);

/** The container.id form of an id: the first 12 characters of a hex id
 *  longer than that (a runtime id), otherwise the id unchanged (cut to
 *  outsz-1).  out must hold CONTAINER_FULL_ID_MAX or more for whole ids. */
void container_id_shorten (const char *full, char *out, size_t outsz);

#endif
