package cluster

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// pageSize bounds each list response, so a namespace with thousands of
// Secrets never needs one huge response (the server's default is no limit).
const pageSize = 500

// listAll follows continue tokens until the list is complete.
func listAll[L any, T any](ctx context.Context, op string, list func(context.Context, metav1.ListOptions) (L, error), items func(L) ([]T, string)) ([]T, error) {
	var out []T
	opts := metav1.ListOptions{Limit: pageSize}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		page, err := list(ctx, opts)
		if err != nil {
			return nil, wrap(op, err)
		}
		got, next := items(page)
		out = append(out, got...)
		if next == "" {
			return out, nil
		}
		opts.Continue = next
	}
}

func inNamespace(resource, ns string) string {
	if ns == "" {
		return "list " + resource + " in all namespaces"
	}
	return fmt.Sprintf("list %s in namespace %s", resource, ns)
}

// Namespaces lists namespace names.
func (c *Client) Namespaces(ctx context.Context) ([]string, error) {
	nss, err := listAll(ctx, "list namespaces", c.kube.CoreV1().Namespaces().List,
		func(l *corev1.NamespaceList) ([]corev1.Namespace, string) { return l.Items, l.Continue })
	if err != nil {
		return nil, err
	}
	names := make([]string, len(nss))
	for i, n := range nss {
		names[i] = n.Name
	}
	return names, nil
}

// Secrets lists the Secrets of a namespace, with their data: key names
// tell whether a referenced key exists, and the values are checked for
// public chart defaults (they stay in memory, never in output). Helm's
// release records are left out: Releases decodes them, and they are the
// largest Secrets by far.
func (c *Client) Secrets(ctx context.Context, ns string) ([]corev1.Secret, error) {
	list := func(ctx context.Context, o metav1.ListOptions) (*corev1.SecretList, error) {
		o.LabelSelector = "owner!=helm"
		return c.kube.CoreV1().Secrets(ns).List(ctx, o)
	}
	return listAll(ctx, inNamespace("secrets", ns), list,
		func(l *corev1.SecretList) ([]corev1.Secret, string) { return l.Items, l.Continue })
}

// ConfigMaps lists the ConfigMaps of a namespace.
func (c *Client) ConfigMaps(ctx context.Context, ns string) ([]corev1.ConfigMap, error) {
	return listAll(ctx, inNamespace("configmaps", ns), c.kube.CoreV1().ConfigMaps(ns).List,
		func(l *corev1.ConfigMapList) ([]corev1.ConfigMap, string) { return l.Items, l.Continue })
}

// Pods lists the Pods of a namespace.
func (c *Client) Pods(ctx context.Context, ns string) ([]corev1.Pod, error) {
	return listAll(ctx, inNamespace("pods", ns), c.kube.CoreV1().Pods(ns).List,
		func(l *corev1.PodList) ([]corev1.Pod, string) { return l.Items, l.Continue })
}

// Deployments lists the Deployments of a namespace.
func (c *Client) Deployments(ctx context.Context, ns string) ([]appsv1.Deployment, error) {
	return listAll(ctx, inNamespace("deployments.apps", ns), c.kube.AppsV1().Deployments(ns).List,
		func(l *appsv1.DeploymentList) ([]appsv1.Deployment, string) { return l.Items, l.Continue })
}

// StatefulSets lists the StatefulSets of a namespace.
func (c *Client) StatefulSets(ctx context.Context, ns string) ([]appsv1.StatefulSet, error) {
	return listAll(ctx, inNamespace("statefulsets.apps", ns), c.kube.AppsV1().StatefulSets(ns).List,
		func(l *appsv1.StatefulSetList) ([]appsv1.StatefulSet, string) { return l.Items, l.Continue })
}

// DaemonSets lists the DaemonSets of a namespace.
func (c *Client) DaemonSets(ctx context.Context, ns string) ([]appsv1.DaemonSet, error) {
	return listAll(ctx, inNamespace("daemonsets.apps", ns), c.kube.AppsV1().DaemonSets(ns).List,
		func(l *appsv1.DaemonSetList) ([]appsv1.DaemonSet, string) { return l.Items, l.Continue })
}

// Jobs lists the Jobs of a namespace.
func (c *Client) Jobs(ctx context.Context, ns string) ([]batchv1.Job, error) {
	return listAll(ctx, inNamespace("jobs.batch", ns), c.kube.BatchV1().Jobs(ns).List,
		func(l *batchv1.JobList) ([]batchv1.Job, string) { return l.Items, l.Continue })
}

// CronJobs lists the CronJobs of a namespace.
func (c *Client) CronJobs(ctx context.Context, ns string) ([]batchv1.CronJob, error) {
	return listAll(ctx, inNamespace("cronjobs.batch", ns), c.kube.BatchV1().CronJobs(ns).List,
		func(l *batchv1.CronJobList) ([]batchv1.CronJob, string) { return l.Items, l.Continue })
}

// Roles lists the Roles of a namespace.
func (c *Client) Roles(ctx context.Context, ns string) ([]rbacv1.Role, error) {
	return listAll(ctx, inNamespace("roles.rbac.authorization.k8s.io", ns), c.kube.RbacV1().Roles(ns).List,
		func(l *rbacv1.RoleList) ([]rbacv1.Role, string) { return l.Items, l.Continue })
}

// RoleBindings lists the RoleBindings of a namespace.
func (c *Client) RoleBindings(ctx context.Context, ns string) ([]rbacv1.RoleBinding, error) {
	return listAll(ctx, inNamespace("rolebindings.rbac.authorization.k8s.io", ns), c.kube.RbacV1().RoleBindings(ns).List,
		func(l *rbacv1.RoleBindingList) ([]rbacv1.RoleBinding, string) { return l.Items, l.Continue })
}

// ClusterRoles lists every ClusterRole.
func (c *Client) ClusterRoles(ctx context.Context) ([]rbacv1.ClusterRole, error) {
	return listAll(ctx, "list clusterroles.rbac.authorization.k8s.io", c.kube.RbacV1().ClusterRoles().List,
		func(l *rbacv1.ClusterRoleList) ([]rbacv1.ClusterRole, string) { return l.Items, l.Continue })
}

// ClusterRoleBindings lists every ClusterRoleBinding.
func (c *Client) ClusterRoleBindings(ctx context.Context) ([]rbacv1.ClusterRoleBinding, error) {
	return listAll(ctx, "list clusterrolebindings.rbac.authorization.k8s.io", c.kube.RbacV1().ClusterRoleBindings().List,
		func(l *rbacv1.ClusterRoleBindingList) ([]rbacv1.ClusterRoleBinding, string) {
			return l.Items, l.Continue
		})
}
