#include "tests/integration/support/netns_testbed.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <iostream>
#include <sstream>

#include "tests/integration/support/child_process.hpp"

namespace gatehouse::testing {
namespace {

std::atomic<bool> bed_in_use{false};

constexpr int kFirstHostOctet = 10;
constexpr std::size_t kMaxHosts = 200;  // 198.18.0.10 .. 198.18.0.209

std::string describe(const std::vector<std::string>& argv, const CommandResult& r) {
  std::string text = "`";
  for (const auto& a : argv) text += (text.size() > 1 ? " " : "") + a;
  return text + "` exited " + std::to_string(r.exit_code) + ": " + r.out + r.err;
}

void run_or_throw(const std::vector<std::string>& argv) {
  const auto r = run_command(argv);
  if (r.exit_code != 0) throw std::runtime_error(describe(argv, r));
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::ranges::all_of(s, [](unsigned char c) { return std::isdigit(c); });
}

// SIGKILLs every process still inside namespace `ns` (never this one).
void kill_inside(const std::string& ns) {
  const auto r = run_command({"ip", "netns", "pids", ns});
  std::istringstream in{r.out};
  for (std::string line; std::getline(in, line);) {
    if (!all_digits(line) || line.size() > 9) continue;
    const pid_t pid = std::stoi(line);
    if (pid > 1 && pid != ::getpid()) ::kill(pid, SIGKILL);
  }
}

// gh<pid>-... namespaces whose test process is gone (killed by a timeout, say): removed.
void remove_stale() {
  const auto r = run_command({"ip", "netns", "list"});
  if (r.exit_code != 0) return;
  std::istringstream in{r.out};
  for (std::string line; std::getline(in, line);) {
    const std::string name = line.substr(0, line.find(' '));  // "name (id: 3)"
    if (name.rfind("gh", 0) != 0) continue;
    const auto dash = name.find('-');
    if (dash == std::string::npos) continue;
    const std::string digits = name.substr(2, dash - 2);
    if (!all_digits(digits) || digits.size() > 9) continue;
    const pid_t pid = std::stoi(digits);
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    kill_inside(name);
    run_command({"ip", "netns", "del", name});
  }
}

void check_host_name(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 32 && name != "bridge" &&
                  std::ranges::all_of(name, [](unsigned char c) {
                    return std::islower(c) || std::isdigit(c) || c == '_';
                  });
  if (!ok) throw std::invalid_argument("NetnsTestbed: bad host name \"" + name + "\"");
}

}  // namespace

NetnsTestbed::NetnsTestbed(const std::vector<std::string>& hosts) {
  if (::geteuid() != 0) {
    throw NetnsUnavailable("network namespaces need root; running as uid " +
                           std::to_string(::geteuid()));
  }
  if (hosts.size() > kMaxHosts) throw std::invalid_argument("NetnsTestbed: too many hosts");
  if (bed_in_use.exchange(true)) throw std::logic_error("NetnsTestbed: one bed per process");
  const std::string prefix = "gh" + std::to_string(::getpid()) + "-";
  bridge_ns_ = prefix + "bridge";
  try {
    remove_stale();
    const std::vector<std::string> add{"ip", "netns", "add", bridge_ns_};
    const auto r = run_command(add);
    if (r.exit_code != 0)
      throw NetnsUnavailable("cannot create network namespaces: " + describe(add, r));
    created_.push_back(bridge_ns_);
    ip({"-n", bridge_ns_, "link", "add", "br0", "mtu", "1500", "type", "bridge"});
    ip({"-n", bridge_ns_, "link", "set", "br0", "up"});
    int index = 0;
    for (const auto& name : hosts) {
      check_host_name(name);
      if (hosts_.contains(name)) throw std::invalid_argument("NetnsTestbed: host twice: " + name);
      Host h{prefix + name, "198.18.0." + std::to_string(kFirstHostOctet + index),
             "p" + std::to_string(index)};
      ++index;
      ip({"netns", "add", h.ns});
      created_.push_back(h.ns);
      ip({"-n", bridge_ns_, "link", "add", h.bridge_port, "mtu", "1500", "type", "veth", "peer",
          "name", "eth0", "netns", h.ns, "mtu", "1500"});
      ip({"-n", bridge_ns_, "link", "set", h.bridge_port, "master", "br0", "up"});
      ip({"-n", h.ns, "link", "set", "lo", "up"});
      ip({"-n", h.ns, "addr", "add", h.address + "/24", "dev", "eth0"});
      ip({"-n", h.ns, "link", "set", "eth0", "up"});
      hosts_.emplace(name, std::move(h));
    }
  } catch (...) {
    remove_all();
    bed_in_use = false;
    throw;
  }
}

NetnsTestbed::~NetnsTestbed() {
  remove_all();
  bed_in_use = false;
}

const NetnsTestbed::Host& NetnsTestbed::host(const std::string& name) const {
  const auto it = hosts_.find(name);
  if (it == hosts_.end()) throw std::invalid_argument("NetnsTestbed: no host " + name);
  return it->second;
}

const std::string& NetnsTestbed::ns(const std::string& name) const { return host(name).ns; }

const std::string& NetnsTestbed::address(const std::string& name) const {
  return host(name).address;
}

std::vector<std::string> NetnsTestbed::exec(const std::string& name,
                                            const std::vector<std::string>& argv) const {
  std::vector<std::string> full{"ip", "netns", "exec", host(name).ns};
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

void NetnsTestbed::rate_limit(const std::string& name, const std::string& rate) {
  const auto& h = host(name);
  const std::vector<std::string> shaper{"root",  "tbf",    "rate",    rate,
                                        "burst", "32kbit", "latency", "400ms"};
  const std::vector<std::pair<std::string, std::string>> ends{{h.ns, "eth0"},
                                                              {bridge_ns_, h.bridge_port}};
  for (const auto& [where, dev] : ends) {
    std::vector<std::string> argv{"tc", "-n", where, "qdisc", "add", "dev", dev};
    argv.insert(argv.end(), shaper.begin(), shaper.end());
    run_or_throw(argv);
  }
}

void NetnsTestbed::ip(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  run_or_throw(argv);
}

void NetnsTestbed::remove_all() noexcept {
  const std::vector<std::string> newest_first(created_.rbegin(), created_.rend());
  for (const auto& ns_name : newest_first) {
    try {
      kill_inside(ns_name);
      const std::vector<std::string> del{"ip", "netns", "del", ns_name};
      const auto r = run_command(del);
      if (r.exit_code != 0) std::cerr << "NetnsTestbed: " << describe(del, r) << "\n";
    } catch (const std::exception& e) {
      std::cerr << "NetnsTestbed: removing " << ns_name << ": " << e.what() << "\n";
    }
  }
  created_.clear();
}

}  // namespace gatehouse::testing
