package auditor

import (
	"context"
	"errors"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/source/cluster"
)

// Resource names of the reads, used to gate checks on what was read.
const (
	rSecrets         = "secrets"
	rConfigMaps      = "configmaps"
	rPods            = "pods"
	rDeployments     = "deployments"
	rStatefulSets    = "statefulsets"
	rDaemonSets      = "daemonsets"
	rJobs            = "jobs"
	rCronJobs        = "cronjobs"
	rRoles           = "roles"
	rRoleBindings    = "rolebindings"
	rReleases        = "releases"
	rExternalSecrets = "externalsecrets"
	rClusterRoles    = "clusterroles"
	rClusterBindings = "clusterrolebindings"
)

// scope is everything read for one namespace, or for all namespaces at
// once ("" namespace) with -A.
type scope struct {
	secrets      []corev1.Secret
	configMaps   []corev1.ConfigMap
	pods         []corev1.Pod
	deployments  []appsv1.Deployment
	statefulSets []appsv1.StatefulSet
	daemonSets   []appsv1.DaemonSet
	jobs         []batchv1.Job
	cronJobs     []batchv1.CronJob
	roles        []rbacv1.Role
	roleBindings []rbacv1.RoleBinding
	releases     []cluster.Release
	eso          []cluster.ExternalSecret
	esoMissing   bool

	mu   sync.Mutex
	ok   map[string]bool
	gaps []audit.Gap
}

// gapCheck says which audit a failed read leaves unchecked.
var gapCheck = map[string]audit.Check{
	rSecrets: audit.SecretsInUse, rConfigMaps: audit.Literals, rPods: audit.Literals, rDeployments: audit.Literals,
	rStatefulSets: audit.Literals, rDaemonSets: audit.Literals, rJobs: audit.Literals, rCronJobs: audit.Literals,
	rRoles: audit.SecretAccess, rRoleBindings: audit.SecretAccess, rClusterRoles: audit.SecretAccess,
	rClusterBindings: audit.SecretAccess, rReleases: audit.ReleaseHistory, rExternalSecrets: audit.SecretsInUse,
}

// done records the outcome of one read.
func (s *scope) done(resource string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.ok[resource] = true
		return
	}
	s.gaps = append(s.gaps, gapOf(gapCheck[resource], err))
}

func gapOf(check audit.Check, err error) audit.Gap {
	var ce *cluster.Error
	if errors.As(err, &ce) {
		return audit.Gap{Check: check, What: ce.Op, Reason: ce.Reason.String(), Detail: ce.Err.Error()}
	}
	return audit.Gap{Check: check, What: "read", Reason: "failed", Detail: err.Error()}
}

// read runs one list and records it; it never fails the group, so every
// other read still happens.
func read[T any](s *scope, resource string, dst *[]T, list func() ([]T, error)) func() error {
	return func() error {
		items, err := list()
		if err == nil {
			*dst = items
		}
		s.done(resource, err)
		return nil
	}
}

// readScope reads a namespace ("" for all) concurrently, a few requests
// at a time.
func readScope(ctx context.Context, c *cluster.Client, ns, release string) *scope {
	s := &scope{ok: map[string]bool{}}
	g := new(errgroup.Group)
	g.SetLimit(4)
	g.Go(read(s, rSecrets, &s.secrets, func() ([]corev1.Secret, error) { return c.Secrets(ctx, ns) }))
	g.Go(read(s, rConfigMaps, &s.configMaps, func() ([]corev1.ConfigMap, error) { return c.ConfigMaps(ctx, ns) }))
	g.Go(read(s, rPods, &s.pods, func() ([]corev1.Pod, error) { return c.Pods(ctx, ns) }))
	g.Go(read(s, rDeployments, &s.deployments, func() ([]appsv1.Deployment, error) { return c.Deployments(ctx, ns) }))
	g.Go(read(s, rStatefulSets, &s.statefulSets, func() ([]appsv1.StatefulSet, error) { return c.StatefulSets(ctx, ns) }))
	g.Go(read(s, rDaemonSets, &s.daemonSets, func() ([]appsv1.DaemonSet, error) { return c.DaemonSets(ctx, ns) }))
	g.Go(read(s, rJobs, &s.jobs, func() ([]batchv1.Job, error) { return c.Jobs(ctx, ns) }))
	g.Go(read(s, rCronJobs, &s.cronJobs, func() ([]batchv1.CronJob, error) { return c.CronJobs(ctx, ns) }))
	g.Go(read(s, rRoles, &s.roles, func() ([]rbacv1.Role, error) { return c.Roles(ctx, ns) }))
	g.Go(read(s, rRoleBindings, &s.roleBindings, func() ([]rbacv1.RoleBinding, error) { return c.RoleBindings(ctx, ns) }))
	g.Go(func() error {
		rels, problems := c.Releases(ctx, ns, release)
		s.releases = rels
		s.mu.Lock()
		listed := true
		for _, p := range problems {
			s.gaps = append(s.gaps, gapOf(audit.ReleaseHistory, p))
			var ce *cluster.Error
			if errors.As(p, &ce) && strings.HasPrefix(ce.Op, "list") {
				listed = false
			}
		}
		s.ok[rReleases] = listed
		s.mu.Unlock()
		return nil
	})
	g.Go(func() error {
		es, err := c.ExternalSecrets(ctx, ns)
		if cluster.ReasonOf(err) == cluster.NotInstalled {
			s.mu.Lock()
			s.esoMissing = true
			s.mu.Unlock()
			return nil
		}
		s.eso = es
		s.done(rExternalSecrets, err)
		return nil
	})
	_ = g.Wait()
	return s
}
