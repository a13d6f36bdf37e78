#pragma once
// `gatehouse demo`: a dev agent, three echo apps (web, api, db) each behind a `gatehouse proxy`
// sidecar, all child processes of this binary; then the four steps of the intention loop with
// real traffic (create, list, update, delete), a live revocation and the probe's matrix. Every
// child's output goes to a log directory; every child is stopped on exit, on error and on
// Ctrl-C/SIGTERM.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "consul/agent_config.hpp"
#include "proxy/proxy_config.hpp"
#include "tools/demo/demo_agent.hpp"
#include "tools/probe/probe_report.hpp"
#include "tools/process/child_process.hpp"

namespace gatehouse::tools {

struct DemoOptions {
  bool keep = false;  // leave everything running until Ctrl-C
  std::chrono::milliseconds settle{1000};
  bool help = false;
};

class Demo {
 public:
  // `self` is this binary (its children run `self dev-agent`, `self proxy`, ...).
  Demo(std::string self, std::string log_dir, std::ostream& out);
  ~Demo();
  Demo(const Demo&) = delete;
  Demo& operator=(const Demo&) = delete;

  // 0: every observed outcome matched the expectation; 1: a mismatch, an error or an interrupt
  // before the end.
  int run(const DemoOptions& options);
  // From the signal thread: ends waits at once; run() stops everything and returns.
  void interrupt();

 private:
  struct Started {
    ChildProcess* child = nullptr;
    std::string addr;  // from the ready line's addr=
  };
  std::optional<Started> start(const std::string& name, std::vector<std::string> args,
                               const std::vector<std::string>& ready);
  bool setup();
  bool step_create();
  bool step_list();
  bool step_update();
  bool step_delete();
  bool step_revoke();
  // `dst`'s sidecar's gatehouse_connections_total samples about `dst` (GET /metrics).
  void show_connection_metrics(const std::string& dst);
  bool final_matrix();
  void wait_for_interrupt();
  void stop_all();

  // Probes src -> dst and prints the command and the result; counts a mismatch when the
  // observation is not `want` or differs from the intentions.
  bool probe_and_explain(const std::string& src, const std::string& dst, Verdict want,
                         ProbeMode mode = ProbeMode::direct);
  // Where `dst`'s sidecar's decisions stand before a step: the newest connection id it has
  // decided on (0: none yet) and how many lines it has logged.
  struct DecisionMark {
    std::uint64_t conn = 0;
    std::size_t log_lines = 0;
  };
  DecisionMark mark_decisions(const std::string& dst);
  // Shows `dst`'s sidecar's own verdict (GET /decisions) on `src`'s first connection after
  // `mark` (outcome=accepted|denied|revoked), once the sidecar has logged it.
  void show_sidecar_decision(const std::string& dst, const std::string& src,
                             std::string_view outcome, const DecisionMark& mark);
  bool fail(const std::string& what);
  void say(const std::string& text);

  std::string self_;
  std::string log_dir_;
  std::ostream& out_;
  std::chrono::milliseconds settle_{1000};
  std::mutex mutex_;
  std::condition_variable interrupted_cv_;
  std::atomic<bool> interrupted_{false};
  std::vector<std::unique_ptr<ChildProcess>> children_;
  std::map<std::string, ChildProcess*> sidecars_;
  std::map<std::string, proxy::HostPort> admins_;  // each sidecar's -admin-addr
  consul::AgentConfig agent_config_;
  std::string agent_url_;
  std::unique_ptr<DemoAgent> agent_;
  std::uint16_t web_upstream_port_ = 0;
  std::size_t mismatches_ = 0;
};

}  // namespace gatehouse::tools
