// Command netcheck is a tiny test workload for the harness's own tests:
// `netcheck serve ADDR` answers HTTP requests, `netcheck get URL` fetches a
// URL (retrying for up to a minute) and exits 0 on a 200 answer, and
// `netcheck dial HOST:PORT` opens a TCP connection every 500ms forever and
// prints "up" or "down" with the time for each attempt.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: netcheck serve ADDR | netcheck get URL | netcheck dial HOST:PORT")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "serve":
		host, _ := os.Hostname()
		http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "hello from %s\n", host) })
		fmt.Println("serving on", os.Args[2])
		if err := http.ListenAndServe(os.Args[2], nil); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	case "get":
		os.Exit(get(os.Args[2]))
	case "dial":
		dial(os.Args[2])
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
}

func dial(addr string) {
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		state := "up"
		if err != nil {
			state = "down"
		} else {
			c.Close()
		}
		fmt.Println(time.Now().UTC().Format(time.RFC3339Nano), state)
		time.Sleep(500 * time.Millisecond)
	}
}

func get(url string) int {
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := client.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			fmt.Printf("%s: %d %s", url, resp.StatusCode, body)
			if resp.StatusCode == http.StatusOK {
				return 0
			}
		} else {
			fmt.Println(err)
		}
		if time.Now().After(deadline) {
			return 1
		}
		time.Sleep(2 * time.Second)
	}
}
