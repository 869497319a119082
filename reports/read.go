package reports

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/harness-dev/harness/timeline"
)

// ReadResults reads runs back: path is a result.json, or a report
// directory (a --report-dir) whose result.json files, at any depth, are read
// in path order, each with the timeline.jsonl beside it when there is one.
// It says what it expected when path holds none.
func ReadResults(path string) ([]*Run, error) {
	files, err := resultFiles(path)
	if err != nil {
		return nil, err
	}
	var runs []*Run
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var r Run
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("%s: %w; expected a result.json written by harness run", f, err)
		}
		if r.Timeline, err = ReadTimeline(filepath.Join(filepath.Dir(f), "timeline.jsonl")); err != nil {
			return nil, err
		}
		runs = append(runs, &r)
	}
	return runs, nil
}

func resultFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "result.json" {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s holds no result.json; expected a result.json or the --report-dir of a run", path)
	}
	sort.Strings(files)
	return files, nil
}

// ReadTimeline reads a timeline.jsonl (WriteTimeline's form); a missing file
// is an empty timeline.
func ReadTimeline(path string) ([]timeline.Event, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var events []timeline.Event
	dec := json.NewDecoder(bufio.NewReader(f))
	for dec.More() {
		var e timeline.Event
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		events = append(events, e)
	}
	return events, nil
}
