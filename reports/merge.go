package reports

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Merge joins the report directories of several runs of a suite (the shards
// of a CI matrix: `harness run --shard K/N`) into out: one junit.xml, one
// index.html, every run's folder, the artifacts they link, and, when a
// scenario ran more than once, distribution.json over all runs. The runs
// keep the order of the directories given.
func Merge(out string, dirs []string) ([]*Run, error) {
	var all []*Run
	for _, dir := range dirs {
		runs, err := ReadResults(dir)
		if err != nil {
			return nil, fmt.Errorf("merge %s: %w", dir, err)
		}
		for _, r := range runs {
			for _, a := range r.Artifacts {
				if err := copyPath(filepath.Join(dir, filepath.FromSlash(a.Path)), filepath.Join(out, filepath.FromSlash(a.Path))); err != nil {
					return nil, fmt.Errorf("merge %s: artifact of run %s: %w", dir, r.RunID, err)
				}
			}
		}
		all = append(all, runs...)
	}
	if err := WriteAll(out, all); err != nil {
		return nil, err
	}
	if repeated(all) {
		if err := WriteStats(filepath.Join(out, "distribution.json"), Distribution(all)); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// repeated reports whether a scenario ran more than once.
func repeated(runs []*Run) bool {
	seen := map[string]bool{}
	for _, r := range runs {
		if seen[r.Scenario] {
			return true
		}
		seen[r.Scenario] = true
	}
	return false
}

// copyPath copies a file or a directory tree (an artifact such as the node
// logs is a directory); a path that leaves its report directory is refused.
func copyPath(from, to string) error {
	if strings.Contains(filepath.ToSlash(from), "../") {
		return fmt.Errorf("artifact path %s leaves the report directory", from)
	}
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		return copyFile(p, filepath.Join(to, rel))
	})
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
