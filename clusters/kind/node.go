package kind

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kind/pkg/cluster/nodes"
	kindexec "sigs.k8s.io/kind/pkg/exec"
)

// node adapts a kind node to clusters.Node.
type node struct {
	n    nodes.Node
	role string
}

func (n *node) Name() string { return n.n.String() }
func (n *node) Role() string { return n.role }

// Exec runs argv inside the node container.
func (n *node) Exec(ctx context.Context, stdin io.Reader, argv ...string) ([]byte, error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("exec in node %s: empty command", n.Name())
	}
	var stdout, stderr bytes.Buffer
	cmd := n.n.CommandContext(ctx, argv[0], argv[1:]...).SetStdout(&stdout).SetStderr(&stderr)
	if stdin != nil {
		cmd.SetStdin(stdin)
	}
	if err := cmd.Run(); err != nil {
		var re *kindexec.RunError
		if errors.As(err, &re) && re.Inner != nil {
			err = re.Inner // *exec.ExitError: its exit code
		}
		return stdout.Bytes(), fmt.Errorf("in node %s: %s: %w: %s", n.Name(), strings.Join(argv, " "), err,
			strings.TrimSpace(stdout.String()+"\n"+stderr.String()))
	}
	return stdout.Bytes(), nil
}
