package auditor_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	authzv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/access"
)

// TestSecretReadersMatchTheAuthorizer checks the RBAC evaluator against
// the API server's own authorizer: for every subject of every binding that
// applies to the namespace, and for each read verb, a SubjectAccessReview
// must agree with the evaluator, for all Secrets and for one named Secret.
//
// This server runs no controller-manager, so nothing fills aggregated
// ClusterRoles in; the test first does what the aggregation controller
// would, after checking that the evaluator already resolves the
// aggregation from the labels alone.
func TestSecretReadersMatchTheAuthorizer(t *testing.T) {
	s := airflowScenario(t)
	cs, _ := clients(t)
	ci := audit.Subject{Kind: "ServiceAccount", Namespace: "tools", Name: "ci-bot"}
	if allowed(t, cs, ci, s.ns, "watch", "") {
		t.Fatal("aggregated rules already in effect; the test cannot show the evaluator resolves aggregation itself")
	}
	if rb := readRBAC(t, cs, s.ns); !evaluatorAllows(access.Readers(rb, s.ns, "secrets"), ci, "watch", "") {
		t.Fatal("the evaluator does not resolve the aggregated ClusterRole")
	}
	aggregate(t, cs, "ci-"+s.ns, "ci-part-"+s.ns)
	waitAllowed(t, cs, ci, s.ns, "watch")
	rb := readRBAC(t, cs, s.ns)
	readers := access.Readers(rb, s.ns, "secrets")
	subjects := map[audit.Subject]bool{}
	for _, b := range rb.ClusterRoleBindings {
		for _, sub := range b.Subjects {
			subjects[subjectOf(sub, "")] = true
		}
	}
	for _, b := range rb.RoleBindings {
		for _, sub := range b.Subjects {
			subjects[subjectOf(sub, s.ns)] = true
		}
	}
	if len(subjects) < 10 || len(readers) < 5 {
		t.Fatalf("too few subjects (%d) or readers (%d) for a meaningful comparison", len(subjects), len(readers))
	}
	checked := 0
	for sub := range subjects {
		for _, verb := range []string{"get", "list", "watch"} {
			for _, name := range []string{"", "airflow-db"} {
				want := allowed(t, cs, sub, s.ns, verb, name)
				got := evaluatorAllows(readers, sub, verb, name)
				if got != want {
					t.Errorf("%s %s secrets %q in %s: evaluator says %v, authorizer says %v", sub, verb, name, s.ns, got, want)
				}
				checked++
			}
		}
	}
	t.Logf("compared %d access decisions for %d subjects", checked, len(subjects))
}

func readRBAC(t *testing.T, cs kubernetes.Interface, ns string) *access.RBAC {
	t.Helper()
	return &access.RBAC{
		ClusterRoles:        must[*rbacv1.ClusterRoleList](t)(cs.RbacV1().ClusterRoles().List(bg, metav1.ListOptions{})).Items,
		ClusterRoleBindings: must[*rbacv1.ClusterRoleBindingList](t)(cs.RbacV1().ClusterRoleBindings().List(bg, metav1.ListOptions{})).Items,
		Roles:               must[*rbacv1.RoleList](t)(cs.RbacV1().Roles(ns).List(bg, metav1.ListOptions{})).Items,
		RoleBindings:        must[*rbacv1.RoleBindingList](t)(cs.RbacV1().RoleBindings(ns).List(bg, metav1.ListOptions{})).Items,
	}
}

// aggregate copies part's rules into the aggregated role, as the
// controller-manager's aggregation controller would.
func aggregate(t *testing.T, cs kubernetes.Interface, role, part string) {
	t.Helper()
	p := must[*rbacv1.ClusterRole](t)(cs.RbacV1().ClusterRoles().Get(bg, part, metav1.GetOptions{}))
	r := must[*rbacv1.ClusterRole](t)(cs.RbacV1().ClusterRoles().Get(bg, role, metav1.GetOptions{}))
	r.Rules = p.Rules
	must[*rbacv1.ClusterRole](t)(cs.RbacV1().ClusterRoles().Update(bg, r, metav1.UpdateOptions{}))
}

// waitAllowed waits until the authorizer's caches see an RBAC change.
func waitAllowed(t *testing.T, cs kubernetes.Interface, sub audit.Subject, ns, verb string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !allowed(t, cs, sub, ns, verb, "") {
		if time.Now().After(deadline) {
			t.Fatalf("%s still may not %s secrets after 15s", sub, verb)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func subjectOf(s rbacv1.Subject, ns string) audit.Subject {
	out := audit.Subject{Kind: s.Kind, Name: s.Name}
	if s.Kind == "ServiceAccount" {
		out.Namespace = s.Namespace
		if out.Namespace == "" {
			out.Namespace = ns
		}
	}
	return out
}

func evaluatorAllows(readers []access.Reader, sub audit.Subject, verb, name string) bool {
	for _, r := range readers {
		if r.Subject != sub {
			continue
		}
		for _, g := range r.Grants {
			if slices.Contains(g.Verbs, verb) && (len(g.Names) == 0 || name != "" && slices.Contains(g.Names, name)) {
				return true
			}
		}
	}
	return false
}

// allowed asks the API server whether sub may do verb on secrets.
func allowed(t *testing.T, cs kubernetes.Interface, sub audit.Subject, ns, verb, name string) bool {
	t.Helper()
	spec := authzv1.SubjectAccessReviewSpec{ResourceAttributes: &authzv1.ResourceAttributes{
		Namespace: ns, Verb: verb, Resource: "secrets", Name: name}}
	switch sub.Kind {
	case "User":
		spec.User = sub.Name
	case "Group":
		spec.User, spec.Groups = "airlock-probe", []string{sub.Name}
	case "ServiceAccount":
		spec.User = fmt.Sprintf("system:serviceaccount:%s:%s", sub.Namespace, sub.Name)
		spec.Groups = []string{"system:serviceaccounts", "system:serviceaccounts:" + sub.Namespace}
	}
	r, err := cs.AuthorizationV1().SubjectAccessReviews().Create(bg, &authzv1.SubjectAccessReview{Spec: spec}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r.Status.Allowed
}
