#include "tools/demo/demo.hpp"

#include <nlohmann/json.hpp>
#include <thread>

#include "tools/decisions/decision_text.hpp"
#include "tools/decisions/decisions_client.hpp"
#include "tools/demo/demo_services.hpp"
#include "tools/demo/held_connection.hpp"
#include "tools/probe/matrix_report.hpp"
#include "tools/probe/probe_run.hpp"
#include "tools/process/log_field.hpp"

namespace gatehouse::tools {

namespace {

using namespace std::chrono_literals;

constexpr auto kStartTimeout = 20s;
// A sidecar records a connection when it ends, a moment after the probe lets go of it; the demo
// waits for its `event=conn` log line.
constexpr auto kDecisionWait = 5s;
// The sidecar logs a connection and then hands it to GET /decisions, both on the same thread
// within microseconds: a request that still misses it is asked again, a few times.
constexpr auto kDecisionRetry = 10ms;
constexpr int kDecisionAttempts = 20;
constexpr auto kStopGrace = 5s;
// -revoke closes a connection within a second of the change (milliseconds here).
constexpr auto kRevokeWait = 3s;

// Every demo app answers HTTP: the probe sends `GET /`, and an allowed pair is proven by the app's
// answer in milliseconds instead of a settle window of silence.
ProbeRequest http_get_root() {
  ProbeRequest request;
  request.kind = ProbeRequest::Kind::http_get;
  request.payload = "/";
  return request;
}

std::uint16_t port_of(const std::string& addr) {
  const auto colon = addr.rfind(':');
  if (colon == std::string::npos) return 0;
  try {
    const int port = std::stoi(addr.substr(colon + 1));
    return port > 0 && port <= 65535 ? static_cast<std::uint16_t>(port) : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

// `conn` of one /decisions line (0 when it is not a decision).
std::uint64_t conn_of(std::string_view line) {
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("conn") || !j["conn"].is_number_unsigned()) return 0;
  return j["conn"].get<std::uint64_t>();
}

proxy::HostPort host_port(const std::string& addr) {
  const auto colon = addr.rfind(':');
  return {addr.substr(0, colon == std::string::npos ? 0 : colon), port_of(addr)};
}

}  // namespace

Demo::Demo(std::string self, std::string log_dir, std::ostream& out)
    : self_(std::move(self)), log_dir_(std::move(log_dir)), out_(out) {}

Demo::~Demo() { stop_all(); }

void Demo::say(const std::string& text) { out_ << text << std::endl; }

bool Demo::fail(const std::string& what) {
  say("\nERROR: " + what);
  return false;
}

void Demo::interrupt() {
  interrupted_ = true;
  const std::lock_guard lock{mutex_};
  for (const auto& c : children_) c->wake();
  interrupted_cv_.notify_all();
}

std::optional<Demo::Started> Demo::start(const std::string& name, std::vector<std::string> args,
                                         const std::vector<std::string>& ready) {
  args.insert(args.begin(), self_);
  const std::string log = log_dir_ + "/" + name + ".log";
  auto child = ChildProcess::start(args, {.name = name, .log_path = log, .detach = true});
  if (!child) {
    fail("cannot start " + name + ": " + child.error());
    return std::nullopt;
  }
  ChildProcess* raw = child->get();
  {
    const std::lock_guard lock{mutex_};
    children_.push_back(std::move(*child));
    if (interrupted_) raw->wake();
  }
  const auto line = raw->wait_for_line(ready, 0, kStartTimeout);
  if (!line) {
    if (!interrupted_) {
      fail(name + " did not start (log: " + log + "); its last lines:\n" + raw->tail(10));
    }
    return std::nullopt;
  }
  return Started{raw, log_field(*line, "addr")};
}

bool Demo::setup() {
  say("Starting a dev agent, three apps and their Gatehouse sidecars (each a child process):");
  auto agent = start(
      "dev-agent", {"dev-agent", "-http-addr", "127.0.0.1:0", "-default-intention-policy", "deny"},
      {"event=listening", "component=dev-agent"});
  if (!agent) return false;
  agent_url_ = "http://" + agent->addr;
  agent_config_.address.host_port = agent->addr;
  agent_ = std::make_unique<DemoAgent>(agent_config_);
  say("  dev-agent     pid=" + std::to_string(agent->child->pid()) + "  " + agent_url_ +
      "  (default intention policy: deny)");

  for (const auto name_view : kDemoServices) {
    const std::string name{name_view};
    auto app = start(name + "-app", {"echo", "-listen", "127.0.0.1:0", "-http", "-name", name},
                     {"event=listening", "component=echo"});
    if (!app) return false;
    std::vector<std::string> proxy_args{"proxy",      "-service", name,          "-service-addr",
                                        app->addr,    "-listen",  "127.0.0.1:0", "-http-addr",
                                        agent_url_,   "-workers", "1",           "-admin-addr",
                                        "127.0.0.1:0"};
    const bool with_upstream = name == "web";
    // Port 0: the sidecar picks a free port and names it in its listening line.
    if (with_upstream) proxy_args.insert(proxy_args.end(), {"-upstream", "db:0"});
    auto sidecar = start(name + "-sidecar", proxy_args, {"event=listening", "listener=public"});
    if (!sidecar) return false;
    sidecars_[name] = sidecar->child;
    // The admin listener starts before the public one, so its line is already there.
    const auto admin =
        sidecar->child->wait_for_line({"event=listening", "listener=admin"}, 0, kStartTimeout);
    if (!admin) return fail(name + "'s sidecar did not open its admin listener");
    admins_[name] = host_port(log_field(*admin, "addr"));
    std::optional<DemoUpstream> upstream;
    if (with_upstream) {
      const auto line = sidecar->child->wait_for_line(
          {"event=listening", "listener=upstream", "upstream=db"}, 0, kStartTimeout);
      if (!line) return fail("web's sidecar did not open its upstream listener for db");
      web_upstream_port_ = port_of(log_field(*line, "addr"));
      upstream = DemoUpstream{"db", web_upstream_port_};
    }
    say("  " + name + " app" + std::string(10 - name.size(), ' ') +
        "pid=" + std::to_string(app->child->pid()) + "  " + app->addr);
    say("  " + name + " sidecar" + std::string(6 - name.size(), ' ') + "pid=" +
        std::to_string(sidecar->child->pid()) + "  " + sidecar->addr + " (mTLS) -> " + app->addr +
        (upstream ? "; upstream db on 127.0.0.1:" + std::to_string(web_upstream_port_)
                  : std::string{}));
    auto registered = agent_->register_service(
        demo_registration(name, port_of(app->addr), port_of(sidecar->addr), upstream));
    if (!registered) return fail(registered.error());
  }
  say("Registered web, api and db with their sidecars in the agent (configs/*.json are the same "
      "registrations with fixed ports).");
  // web's sidecar finds db's instances through a watch; probing through the upstream before it
  // has seen them would look like a refusal.
  if (!sidecars_["web"]->wait_for_line({"event=upstream_instances", "upstream=db", "count=1"}, 0,
                                       kStartTimeout)) {
    return fail("web's sidecar did not see db's instance (log: " + sidecars_["web"]->log_path() +
                ")");
  }
  say("So that the final matrix shows both outcomes, web -> api is allowed from the start.");
  if (auto baseline = agent_->create_intention("web", "api", "allow"); !baseline) {
    return fail(baseline.error());
  }
  return true;
}

bool Demo::probe_and_explain(const std::string& src, const std::string& dst, Verdict want,
                             ProbeMode mode) {
  ProbeSettings settings;
  settings.sources = {src};
  settings.destinations = {dst};
  settings.mode = mode;
  settings.settle = settle_;
  settings.request = http_get_root();
  say(std::string{"  $ gatehouse probe -source "} + src + " -destination " + dst + " -http-get /" +
      (mode == ProbeMode::via_upstream ? " -via-upstream" : ""));
  auto report = run_probe(agent_config_, settings);
  if (!report) return fail("probe: " + report.error());
  if (report->pairs.size() != 1) return fail("probe: expected one pair");
  const auto& pair = report->pairs.front();
  say("  " + render_pair_line(pair));
  if (pair.mismatch() || pair.observed.verdict != want) {
    ++mismatches_;
    say("  UNEXPECTED: the demo expected " + std::string{to_string(want)} + ".");
  }
  return true;
}

Demo::DecisionMark Demo::mark_decisions(const std::string& dst) {
  DecisionMark mark;
  mark.log_lines = sidecars_[dst]->line_count();
  const auto error =
      get_decision_lines(admins_[dst], "/decisions?limit=1",
                         [&mark](std::string_view line) { mark.conn = conn_of(line); });
  if (error) say("  (" + *error + ")");
  return mark;
}

void Demo::show_sidecar_decision(const std::string& dst, const std::string& src,
                                 std::string_view outcome, const DecisionMark& mark) {
  const auto& admin = admins_[dst];
  const std::string filter = "-src-service " + src + " -outcome " + std::string{outcome};
  const std::string target =
      "/decisions?src_service=" + src + "&outcome=" + std::string{outcome} + "&limit=1";
  std::string found;
  std::optional<std::string> error;
  const bool logged =
      sidecars_[dst]
          ->wait_for_line({"event=conn", "outcome=" + std::string{outcome}, "src_service=" + src},
                          mark.log_lines, kDecisionWait)
          .has_value();
  for (int i = 0; logged && i < kDecisionAttempts && found.empty() && !error && !interrupted_;
       ++i) {
    if (i > 0) std::this_thread::sleep_for(kDecisionRetry);
    error = get_decision_lines(admin, target, [&found, after = mark.conn](std::string_view line) {
      if (conn_of(line) > after) found = line;
    });
  }
  if (found.empty()) {
    say("  (no " + std::string{outcome} + " decision about " + src + " from " + dst + "'s sidecar" +
        (error ? ": " + *error : std::string{}) + "; see " + sidecars_[dst]->log_path() + ")");
    ++mismatches_;
    return;
  }
  say("  " + dst + "'s sidecar decided (gatehouse decisions -admin-addr " + admin_label(admin) +
      " " + filter + " -limit 1):\n    " + decision_text(found));
}

bool Demo::step_create() {
  say("\nStep 1 - create: allow web -> db");
  say("  $ gatehouse intention create -allow web db");
  auto r = agent_->create_intention("web", "db", "allow");
  if (!r) return fail(r.error());
  say("  " + *r);
  const auto mark = mark_decisions("db");
  if (!probe_and_explain("web", "db", Verdict::allow)) return false;
  say("  -> web reaches db: the probe presented web's certificate (from the agent), db's sidecar\n"
      "     verified it, asked the agent (authorize) and opened the connection to the db app,\n"
      "     whose answer to GET / came back through the mesh.");
  show_sidecar_decision("db", "web", "accepted", mark);
  return probe_and_explain("web", "db", Verdict::allow, ProbeMode::via_upstream);
}

bool Demo::step_list() {
  say("\nStep 2 - list: what the agent holds now");
  say("  $ gatehouse intention list");
  auto listed = agent_->intention_table();
  if (!listed) return fail(listed.error());
  const std::string& table = *listed;
  for (std::size_t pos = 0; pos < table.size();) {
    const auto end = table.find('\n', pos);
    say("  " + table.substr(pos, end - pos));
    pos = end + 1;
  }
  say("  -> exact-API intentions have no ID; precedence 9 = exact source and destination.");
  return true;
}

bool Demo::step_update() {
  say("\nStep 3 - update: change web -> db to deny");
  say("  $ gatehouse intention update -deny web db");
  auto r = agent_->update_intention("web", "db", "deny");
  if (!r) return fail(r.error());
  say("  " + *r);
  const auto mark = mark_decisions("db");
  if (!probe_and_explain("web", "db", Verdict::deny)) return false;
  say("  -> web is refused: the TLS handshake succeeds (web's certificate is valid), then db's\n"
      "     sidecar gets a deny from the agent and closes at once (close_notify, zero bytes);\n"
      "     the db app never sees the connection.");
  show_sidecar_decision("db", "web", "denied", mark);
  return probe_and_explain("web", "db", Verdict::deny, ProbeMode::via_upstream);
}

bool Demo::step_delete() {
  say("\nStep 4 - delete: remove web -> db");
  say("  $ gatehouse intention delete web db");
  auto r = agent_->delete_intention("web", "db");
  if (!r) return fail(r.error());
  say("  " + *r);
  const auto mark = mark_decisions("db");
  if (!probe_and_explain("web", "db", Verdict::deny)) return false;
  say("  -> no intention matches any more, so the agent's default policy decides (deny here:\n"
      "     the dev agent runs with -default-intention-policy deny, i.e. zero trust).");
  show_sidecar_decision("db", "web", "denied", mark);
  return true;
}

bool Demo::step_revoke() {
  say("\nStep 5 - live revocation: allow web -> db, hold a connection open, then deny");
  say("  $ gatehouse intention create -allow web db");
  auto created = agent_->create_intention("web", "db", "allow");
  if (!created) return fail(created.error());
  say("  " + *created);
  const auto mark = mark_decisions("db");
  HeldConnection held;
  if (auto opened = held.open(web_upstream_port_); !opened) {
    return fail("web's upstream listener: " + opened.error());
  }
  auto answer = held.request();
  if (!answer) return fail("through web's upstream listener for db: " + answer.error());
  while (!answer->empty() && answer->back() == '\n') answer->pop_back();
  say("  opened web -> db through web's upstream listener (127.0.0.1:" +
      std::to_string(web_upstream_port_) + "): GET / answered \"" + *answer +
      "\"; the connection stays open");
  say("  $ gatehouse intention update -deny web db");
  const auto flipped = std::chrono::steady_clock::now();
  auto updated = agent_->update_intention("web", "db", "deny");
  if (!updated) return fail(updated.error());
  say("  " + *updated);
  if (!held.wait_for_close(kRevokeWait)) {
    ++mismatches_;
    say("  UNEXPECTED: the open connection was still open 3 s after the change (see " +
        sidecars_["db"]->log_path() + ")");
    return true;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - flipped);
  say("  -> the open web -> db connection was closed " + std::to_string(ms.count()) +
      " ms after the intention flipped to deny:\n"
      "     db's sidecar (-revoke, on by default) watches the intentions, asks the agent again\n"
      "     for every open connection and closes those now denied (close_notify). Consul's own\n"
      "     sidecar decides only when a connection opens.");
  show_sidecar_decision("db", "web", "revoked", mark);
  show_connection_metrics("db");
  return true;
}

void Demo::show_connection_metrics(const std::string& dst) {
  const auto& admin = admins_[dst];
  const std::string label = "dst_service=\"" + dst + "\"";
  std::vector<std::string> samples;
  const auto error = get_decision_lines(admin, "/metrics", [&](std::string_view line) {
    if (line.starts_with("gatehouse_connections_total") && line.find(label) != line.npos) {
      samples.emplace_back(line);
    }
  });
  if (error) {
    say("  (" + *error + ")");
    ++mismatches_;
    return;
  }
  say("  " + dst + "'s sidecar's counters (curl -s http://" + admin_label(admin) +
      "/metrics | grep gatehouse_connections_total):");
  for (const auto& sample : samples) say("    " + sample);
}

bool Demo::final_matrix() {
  say("\nStep 6 - test everything: every service to every other, over real mTLS");
  say("  $ gatehouse probe -http-get /");
  ProbeSettings settings;
  settings.settle = settle_;
  settings.request = http_get_root();
  auto report = run_probe(agent_config_, settings);
  if (!report) return fail("probe: " + report.error());
  say("");
  out_ << render_matrix(*report) << std::flush;
  mismatches_ += report->mismatches();
  return true;
}

void Demo::wait_for_interrupt() {
  say("\nEverything keeps running (-keep). In another shell:");
  say("  export CONSUL_HTTP_ADDR=" + agent_url_);
  say("  " + self_ + " probe -http-get /");
  say("  " + self_ + " probe -http-get / -format json -junit probe.xml");
  say("  " + self_ + " intention create -allow api db");
  say("  " + self_ + " probe -source api -destination db -http-get /");
  say("  curl -s http://127.0.0.1:" + std::to_string(web_upstream_port_) +
      "/   # web's upstream listener for db");
  say("  " + self_ + " decisions -admin-addr " + admin_label(admins_["db"]) +
      " -follow   # db's sidecar's decisions as they happen");
  say("Logs: " + log_dir_ + ". Press Ctrl-C to stop everything.");
  std::unique_lock lock{mutex_};
  interrupted_cv_.wait(lock, [this] { return interrupted_.load(); });
}

void Demo::stop_all() {
  std::vector<std::unique_ptr<ChildProcess>> children;
  {
    const std::lock_guard lock{mutex_};
    children.swap(children_);
  }
  if (children.empty()) return;
  sidecars_.clear();
  std::string pids;
  // Sidecars and apps first, the agent last (reverse start order).
  for (auto it = children.rbegin(); it != children.rend(); ++it) {
    (*it)->stop(kStopGrace);
    pids += " " + std::to_string((*it)->pid());
  }
  say("\nStopped " + std::to_string(children.size()) + " processes (pids" + pids +
      "). Logs: " + log_dir_);
}

int Demo::run(const DemoOptions& options) {
  settle_ = options.settle;
  say("Gatehouse demo: create -> verify -> change -> test, with real mTLS traffic.");
  say("Logs of every process: " + log_dir_ + "\n");
  bool ok = setup();
  using Step = bool (Demo::*)();
  for (const Step step : {&Demo::step_create, &Demo::step_list, &Demo::step_update,
                          &Demo::step_delete, &Demo::step_revoke, &Demo::final_matrix}) {
    if (!ok || interrupted_) break;
    ok = (this->*step)();
  }
  const bool finished = ok && !interrupted_;
  if (finished) {
    say(mismatches_ == 0
            ? "\nResult: every observed outcome matched the expectation."
            : "\nResult: " + std::to_string(mismatches_) + " observation(s) did not match.");
    if (options.keep) wait_for_interrupt();
  } else if (interrupted_) {
    say("\nInterrupted.");
  }
  stop_all();
  return finished && mismatches_ == 0 ? 0 : 1;
}

}  // namespace gatehouse::tools
