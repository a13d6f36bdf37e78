#pragma once
// A multi-host test bed in Linux network namespaces, so integration tests cross real links
// instead of loopback. Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) and iproute2.
//
//   gh<pid>-bridge              a namespace holding only the bridge `br0` (no address)
//     p0, p1, ...  ---- veth ---- eth0 in gh<pid>-<host>   198.18.0.10, .11, ... /24, MTU 1500
//
// One namespace per host (`lo` up), each joined by a veth pair to the bridge, which lives in its
// own namespace: nothing is added to the root namespace, and the addresses come from the
// benchmarking range 198.18.0.0/15 only. The pid in every name keeps concurrent test processes
// apart; a process holds at most one bed at a time. `rate_limit` puts a `tc ... tbf` shaper on
// both ends of a host's veth (netem is not available everywhere; tbf is).
//
// Processes run inside a host with `exec(host, argv)` (an `ip netns exec` argv for ChildProcess
// or run_command); the test process itself opens sockets there with in_netns (in_netns.hpp).
// The destructor kills whatever still runs in the bed's namespaces and deletes them (the veths
// go with them), also when a test failed. Namespaces left by an earlier test process that was
// killed (its pid no longer exists) are removed when a new bed starts.
//
// When namespaces cannot be made here (not root, no `ip`, `ip netns add` refused) the
// constructor throws NetnsUnavailable, which tests turn into GTEST_SKIP; any later failure is a
// std::runtime_error naming the command and its output.

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatehouse::testing {

class NetnsUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class NetnsTestbed {
 public:
  // Creates the bridge namespace and one namespace per host name (short names: "web", "db").
  explicit NetnsTestbed(const std::vector<std::string>& hosts);
  ~NetnsTestbed();
  NetnsTestbed(const NetnsTestbed&) = delete;
  NetnsTestbed& operator=(const NetnsTestbed&) = delete;

  // The host's namespace name (gh<pid>-<host>) and its IPv4 address on the bridge.
  const std::string& ns(const std::string& host) const;
  const std::string& address(const std::string& host) const;
  // `ip netns exec <ns> argv...`: argv run inside the host's namespace.
  std::vector<std::string> exec(const std::string& host,
                                const std::vector<std::string>& argv) const;
  // Limits both directions of the host's link with `tc qdisc add ... root tbf rate <rate>
  // burst 32kbit latency 400ms` on its eth0 and on its bridge port (rate as tc takes it: "16mbit").
  void rate_limit(const std::string& host, const std::string& rate);

 private:
  struct Host {
    std::string ns;
    std::string address;
    std::string bridge_port;  // the veth end in the bridge namespace
  };
  const Host& host(const std::string& name) const;
  void ip(const std::vector<std::string>& args) const;  // throws with the output on failure
  void remove_all() noexcept;

  std::string bridge_ns_;
  std::map<std::string, Host> hosts_;
  std::vector<std::string> created_;  // namespaces to delete, in creation order
};

}  // namespace gatehouse::testing
