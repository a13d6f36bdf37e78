#include "tools/dev_agent/catalog.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "consul/agent_rules/check_validation.hpp"
#include "consul/agent_rules/service_validation.hpp"
#include "consul/agent_rules/sidecar_service.hpp"
#include "consul/go_duration.hpp"
#include "consul/intention.hpp"  // format_multierror

namespace gatehouse::tools {

using consul::AgentService;
using consul::AgentServiceRegistration;
using consul::HealthCheck;

namespace {

constexpr std::string_view kNodeAddress = "127.0.0.1";
constexpr std::string_view kConsulVersion = "1.18.0";

// Consul's index-table entries (agent/consul/state/catalog_ce.go, catalog.go).
std::string service_key(std::string_view name) { return "service." + std::string{name}; }
std::string node_key(std::string_view name) { return "node." + std::string{name}; }
constexpr const char* kServiceExtinction = "service_last_extinction";
constexpr const char* kNodeExtinction = "node_last_extinction";

// Stand-ins for the go-memdb watch channels the state store functions add to their WatchSet.
std::string watch_service_rows(std::string_view name) {
  return "watch:services/" + std::string{name};
}
std::string watch_connect_rows(std::string_view name) {
  return "watch:connect/" + std::string{name};
}
std::string watch_node_checks(std::string_view node) {
  return "watch:checks/node/" + std::string{node};
}
std::string watch_service_checks(std::string_view name) {
  return "watch:checks/service/" + std::string{name};
}
std::string watch_checks_in_state(std::string_view status) {
  return "watch:checks/state/" + std::string{status};
}
constexpr const char* kWatchAllChecks = "watch:checks";
constexpr const char* kWatchAllServices = "watch:services";
constexpr const char* kWatchAllNodes = "watch:nodes";

HttpError bad(std::string text) { return HttpError::bad_request(std::move(text)); }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// When a TTL check refreshed at `now` lapses. Go's durations reach ~292 years, past the end of
// the steady clock's range from any `now` but its epoch: such a TTL never lapses (Consul's timer
// for it never fires), where the plain sum would overflow.
Catalog::Clock::time_point ttl_deadline(Catalog::Clock::time_point now,
                                        Catalog::Clock::duration ttl) {
  if (ttl > Catalog::Clock::time_point::max() - now) return Catalog::Clock::time_point::max();
  return now + ttl;
}

// Go's FNV-1a 64 over the service's JSON, printed as 16 lowercase hex digits: opaque to clients,
// it changes exactly when the definition does.
std::string content_hash(const AgentService& s) {
  const std::string text =
      nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  std::array<char, 17> buf{};
  std::snprintf(buf.data(), buf.size(), "%016llx", static_cast<unsigned long long>(h));
  return buf.data();
}

AgentService to_agent_service(const AgentServiceRegistration& reg) {
  AgentService s;
  s.kind = reg.kind;
  s.id = reg.effective_id();
  s.service = reg.name;
  s.tags = reg.tags;
  s.meta = reg.meta;
  s.port = reg.port;
  s.address = reg.address;
  s.socket_path = reg.socket_path;
  s.tagged_addresses = reg.tagged_addresses;
  if (reg.weights) s.weights = *reg.weights;
  s.enable_tag_override = reg.enable_tag_override;
  s.proxy = reg.proxy;
  // The parent keeps Connect only for Native: the sidecar definition becomes its own service.
  if (reg.connect && reg.connect->native) {
    consul::AgentServiceConnect connect;
    connect.native = true;
    s.connect = connect;
  }
  return s;
}

bool same_ignoring_indexes(AgentService a, AgentService b) {
  a.create_index = a.modify_index = b.create_index = b.modify_index = 0;
  return a == b;
}

bool same_ignoring_indexes(HealthCheck a, HealthCheck b) {
  a.create_index = a.modify_index = b.create_index = b.modify_index = 0;
  return a == b;
}

int worst_rank(std::string_view status) {
  if (status == consul::kHealthCritical) return 2;
  if (status == consul::kHealthWarning) return 1;
  return 0;
}

// The service a Connect query for it finds this instance under (the connect index of
// agent/consul/state/index_connect.go): a sidecar's destination, a native service's own name.
std::optional<std::string> connect_name(const AgentService& s) {
  if (s.is_sidecar_proxy() && s.proxy) return s.proxy->destination_service_name;
  if (s.connect && s.connect->native) return s.service;
  return std::nullopt;
}

// serviceTagsFilter: every wanted tag is among the instance's tags, compared case-insensitively.
bool has_all_tags(const AgentService& s, const std::vector<std::string>& tags) {
  return std::ranges::all_of(tags, [&](const std::string& want) {
    return std::ranges::any_of(s.tags,
                               [&](const std::string& t) { return lower(t) == lower(want); });
  });
}

}  // namespace

std::optional<bool> parse_go_bool(std::string_view t) {
  if (t == "1" || t == "t" || t == "T" || t == "TRUE" || t == "true" || t == "True") return true;
  if (t == "0" || t == "f" || t == "F" || t == "FALSE" || t == "false" || t == "False") {
    return false;
  }
  return std::nullopt;
}

Catalog::Catalog(StateStore& store, std::string node_name, std::string datacenter,
                 std::string node_id)
    : store_{store}, node_name_{std::move(node_name)}, datacenter_{std::move(datacenter)} {
  // The leader registers a live server in one raft entry: the node, its `consul` service and its
  // serfHealth check (handleAliveMember in agent/consul/leader_registrator_v1.go).
  auto w = store_.begin();
  node_.id = std::move(node_id);
  node_.node = node_name_;
  node_.address = std::string{kNodeAddress};
  node_.datacenter = datacenter_;
  node_.tagged_addresses = {{"lan", node_.address},
                            {"lan_ipv4", node_.address},
                            {"wan", node_.address},
                            {"wan_ipv4", node_.address}};
  node_.meta = {{"consul-network-segment", ""}, {"consul-version", std::string{kConsulVersion}}};
  node_.create_index = node_.modify_index = w.index;
  w.tables.insert(Table::kNodes);
  w.keys.insert({node_key(node_name_), kWatchAllNodes});

  consul_service_.id = "consul";
  consul_service_.service = "consul";
  consul_service_.port = 8300;
  consul_service_.meta = {{"non_voter", "false"},
                          {"read_replica", "false"},
                          {"raft_version", "3"},
                          {"serf_protocol_current", "2"},
                          {"serf_protocol_min", "1"},
                          {"serf_protocol_max", "5"},
                          {"version", std::string{kConsulVersion}},
                          {"grpc_port", "8502"}};
  consul_service_.create_index = consul_service_.modify_index = w.index;
  record_service_change(w, consul_service_);

  serf_check_.node = node_name_;
  serf_check_.check_id = "serfHealth";
  serf_check_.name = "Serf Health Status";
  serf_check_.status = std::string{consul::kHealthPassing};
  serf_check_.output = "Agent alive and reachable";
  serf_check_.create_index = serf_check_.modify_index = w.index;
  record_check_change(w, serf_check_, serf_check_);
  store_.commit(w);
}

std::uint64_t Catalog::index() const {
  return store_.max_index({Table::kNodes, Table::kServices, Table::kChecks});
}

// --- writes -------------------------------------------------------------------------------------

void Catalog::record_service_change(StoreWrite& w, const AgentService& s) const {
  // catalogInsertService / deleteServiceTxn: the services and nodes tables, `service.<name>` and
  // `node.<node>`.
  w.tables.insert({Table::kServices, Table::kNodes});
  w.keys.insert({service_key(s.service), node_key(node_name_), watch_service_rows(s.service),
                 kWatchAllServices});
  if (auto target = connect_name(s)) w.keys.insert(watch_connect_rows(*target));
}

void Catalog::record_check_change(StoreWrite& w, const HealthCheck& before,
                                  const HealthCheck& after) const {
  // ensureCheckTxn / deleteCheckTxn: the checks table and the index of the check's service, or
  // of every service on the node for a node check.
  w.tables.insert(Table::kChecks);
  if (!after.service_id.empty()) {
    w.keys.insert(service_key(after.service_name));
  } else {
    w.keys.insert(service_key(consul_service_.service));
    for (const auto& [id, s] : services_) w.keys.insert(service_key(s.service));
  }
  w.keys.insert({kWatchAllChecks, watch_node_checks(after.node),
                 watch_service_checks(after.service_name), watch_checks_in_state(before.status),
                 watch_checks_in_state(after.status)});
}

void Catalog::put_service(StoreWrite& w, AgentService s) {
  auto old = services_.find(s.id);
  if (old != services_.end() && same_ignoring_indexes(old->second, s)) return;  // no churn
  if (old != services_.end() && old->second.service != s.service) remove_service(w, s.id);
  old = services_.find(s.id);
  s.create_index = old == services_.end() ? w.index : old->second.create_index;
  s.modify_index = w.index;
  if (old != services_.end()) record_service_change(w, old->second);  // e.g. a new destination
  record_service_change(w, s);
  services_.insert_or_assign(s.id, std::move(s));
}

void Catalog::remove_check(StoreWrite& w, const std::string& check_id) {
  auto it = checks_.find(check_id);
  if (it == checks_.end()) return;
  record_check_change(w, it->second.check, it->second.check);
  checks_.erase(it);
}

void Catalog::remove_service(StoreWrite& w, const std::string& id) {
  auto it = services_.find(id);
  if (it == services_.end()) return;
  std::vector<std::string> owned;
  for (const auto& [cid, c] : checks_) {
    if (c.check.service_id == id) owned.push_back(cid);
  }
  for (const auto& cid : owned) remove_check(w, cid);
  const AgentService gone = it->second;
  services_.erase(it);
  record_service_change(w, gone);
  // The last instance takes `service.<name>` with it and moves the extinction index, so that
  // queries for a missing service never go backwards (deleteServiceTxn).
  const bool remaining = gone.service == consul_service_.service ||
                         std::ranges::any_of(services_, [&](const auto& kv) {
                           return kv.second.service == gone.service;
                         });
  if (!remaining) {
    w.erased.insert(service_key(gone.service));
    w.keys.insert(kServiceExtinction);
  }
}

void Catalog::set_check_state(StoreWrite& w, LocalCheck& c, std::string status,
                              std::string output) {
  if (c.check.status == status && c.check.output == output) return;
  const HealthCheck before = c.check;
  c.check.status = std::move(status);
  c.check.output = std::move(output);
  c.check.modify_index = w.index;
  record_check_change(w, before, c.check);
}

void Catalog::refresh_alias_checks(StoreWrite& w) {
  static constexpr std::array<std::string_view, 3> kStatus{
      consul::kHealthPassing, consul::kHealthWarning, consul::kHealthCritical};
  for (auto& [id, alias] : checks_) {
    if (alias.alias_service.empty()) continue;
    int worst = 0;
    for (const auto& [other_id, other] : checks_) {
      if (other.check.service_id == alias.alias_service && other.alias_service.empty()) {
        worst = std::max(worst, worst_rank(other.check.status));
      }
    }
    set_check_state(w, alias, std::string{kStatus[static_cast<std::size_t>(worst)]},
                    worst == 0 ? "All checks passing." : "Aliased service has failing checks.");
  }
}

void Catalog::add_checks(StoreWrite& w, const AgentService& service,
                         const std::vector<consul::AgentServiceCheck>& defs,
                         bool replace_existing) {
  std::set<std::string> kept;
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const auto& def = defs[i];
    std::string id = def.check_id;
    if (id.empty()) {
      id = "service:" + service.id;
      if (defs.size() > 1) id += ":" + std::to_string(i + 1);
    }
    kept.insert(id);
    LocalCheck c;
    c.check.node = node_name_;
    c.check.check_id = id;
    c.check.name = def.name.empty() ? "Service '" + service.service + "' check" : def.name;
    c.check.notes = def.notes;
    c.check.service_id = service.id;
    c.check.service_name = service.service;
    c.check.service_tags = service.tags;
    c.check.type = def.type();
    c.check.interval = def.interval;
    c.check.timeout = def.timeout;
    c.check.create_index = c.check.modify_index = w.index;
    if (c.check.type == "ttl") {
      c.ttl = std::chrono::duration_cast<Clock::duration>(*consul::parse_go_duration(def.ttl));
      c.expires = ttl_deadline(Clock::now(), *c.ttl);
      c.check.status = def.status.empty() ? std::string{consul::kHealthCritical} : def.status;
    } else if (c.check.type == "alias") {
      c.alias_service = def.alias_service;
      c.check.status = std::string{consul::kHealthPassing};
    } else {
      c.check.status = std::string{consul::kHealthPassing};  // never run by the dev agent
    }
    auto old = checks_.find(id);
    // A re-registered check keeps its state, as Consul's agent does.
    if (old != checks_.end() && old->second.check.type == c.check.type) {
      c.check.status = old->second.check.status;
      c.check.output = old->second.check.output;
      c.check.create_index = old->second.check.create_index;
      c.check.modify_index = old->second.check.modify_index;
      c.expires = old->second.expires;
    }
    if (old != checks_.end() && same_ignoring_indexes(old->second.check, c.check)) {
      old->second.ttl = c.ttl;
      continue;  // unchanged: no index churn (ensureCheckTxn's IsSame)
    }
    const HealthCheck before = old != checks_.end() ? old->second.check : c.check;
    c.check.modify_index = w.index;
    record_check_change(w, before, c.check);
    checks_.insert_or_assign(id, std::move(c));
  }
  if (replace_existing) {
    std::vector<std::string> stale;
    for (const auto& [cid, c] : checks_) {
      if (c.check.service_id == service.id && !kept.contains(cid)) stale.push_back(cid);
    }
    for (const auto& cid : stale) remove_check(w, cid);
  }
}

std::optional<HttpError> Catalog::validate(const AgentServiceRegistration& reg) const {
  // The order of AgentRegisterService (agent/agent_endpoint.go).
  if (auto missing = consul::check_service_name(reg)) return bad(*missing);
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(reg.address, ec);
  if (!ec && address.is_unspecified()) return bad("Invalid service address");
  if (auto errors = consul::validate_service(reg); !errors.empty()) {
    return bad("Validation failed: " + consul::format_multierror(errors));
  }
  if (auto e = consul::check_registration_error(reg)) return bad(*e);
  return std::nullopt;
}

std::optional<HttpError> Catalog::register_service(const AgentServiceRegistration& reg,
                                                   bool replace_existing_checks) {
  if (auto e = validate(reg)) return e;
  std::optional<AgentServiceRegistration> sidecar;
  if (reg.connect && reg.connect->sidecar_service) {
    consul::SidecarPorts ports;
    const std::string sidecar_id = reg.effective_id() + std::string{consul::kSidecarSuffix};
    if (auto it = services_.find(sidecar_id); it != services_.end())
      ports.previous = it->second.port;
    ports.in_use = [this, &sidecar_id](int port) {
      return std::ranges::any_of(services_, [&](const auto& kv) {
        return kv.second.is_sidecar_proxy() && kv.first != sidecar_id && kv.second.port == port;
      });
    };
    auto derived = consul::derive_sidecar(reg, ports);
    if (!derived) return bad("Invalid SidecarService: " + derived.error());
    if (auto errors = consul::validate_service(*derived); !errors.empty()) {
      return bad("Failed Validation: " + consul::format_multierror(errors));
    }
    sidecar = std::move(*derived);
  }
  // The agent syncs each service with its checks as one catalog registration (one raft index).
  const auto register_one = [&](const AgentServiceRegistration& r) {
    auto w = store_.begin();
    AgentService s = to_agent_service(r);
    put_service(w, s);
    add_checks(w, services_.at(s.id), consul::registered_checks(r), replace_existing_checks);
    refresh_alias_checks(w);
    store_.commit(w);
  };
  register_one(reg);
  if (sidecar) register_one(*sidecar);
  return std::nullopt;
}

bool Catalog::deregister_service(const std::string& id) {
  auto it = services_.find(id);
  if (it == services_.end()) return false;
  auto w = store_.begin();
  remove_service(w, id);
  // The sidecar registered through this service's Connect.SidecarService goes with it.
  const std::string sidecar_id = id + std::string{consul::kSidecarSuffix};
  if (auto sc = services_.find(sidecar_id);
      sc != services_.end() && sc->second.proxy && sc->second.proxy->destination_service_id == id) {
    remove_service(w, sidecar_id);
  }
  refresh_alias_checks(w);
  store_.commit(w);
  return true;
}

void Catalog::expire_ttl_checks(Clock::time_point now) {
  auto w = store_.begin();
  for (auto& [id, c] : checks_) {
    if (c.ttl && now >= c.expires && c.check.status != consul::kHealthCritical) {
      set_check_state(w, c, std::string{consul::kHealthCritical}, "TTL expired");
    }
  }
  refresh_alias_checks(w);
  store_.commit(w);
}

std::optional<Catalog::Clock::time_point> Catalog::next_ttl_expiry() const {
  std::optional<Clock::time_point> next;
  for (const auto& [id, c] : checks_) {
    if (c.ttl && c.check.status != consul::kHealthCritical && (!next || c.expires < *next)) {
      next = c.expires;
    }
  }
  return next;
}

std::optional<HttpError> Catalog::update_ttl_check(const std::string& check_id,
                                                   std::string_view status, std::string output) {
  auto it = checks_.find(check_id);
  if (it == checks_.end() || !it->second.ttl) {
    return HttpError::internal("CheckID \"" + check_id + "\" does not have associated TTL");
  }
  auto& c = it->second;
  c.expires = ttl_deadline(Clock::now(), *c.ttl);
  // An update that changes nothing is not synced to the catalog (no new index).
  auto w = store_.begin();
  set_check_state(w, c, std::string{status}, std::move(output));
  refresh_alias_checks(w);
  store_.commit(w);
  return std::nullopt;
}

// --- agent-local reads --------------------------------------------------------------------------

std::optional<AgentService> Catalog::service(const std::string& id) const {
  auto it = services_.find(id);
  if (it == services_.end()) return std::nullopt;
  AgentService s = it->second;
  s.create_index = 0;  // omitempty on the agent endpoints
  s.modify_index = 0;
  s.datacenter = datacenter_;
  s.content_hash = content_hash(s);
  return s;
}

std::map<std::string, AgentService> Catalog::services() const {
  std::map<std::string, AgentService> out;
  for (const auto& [id, s] : services_) {
    AgentService copy = s;
    copy.create_index = 0;
    copy.modify_index = 0;
    copy.datacenter = datacenter_;
    out.emplace(id, std::move(copy));
  }
  return out;
}

std::map<std::string, HealthCheck> Catalog::checks() const {
  std::map<std::string, HealthCheck> out;
  for (const auto& [id, c] : checks_) {
    HealthCheck h = c.check;
    h.create_index = 0;
    h.modify_index = 0;
    out.emplace(id, std::move(h));
  }
  return out;
}

// --- catalog reads ------------------------------------------------------------------------------

std::vector<const AgentService*> Catalog::catalog_services() const {
  std::vector<const AgentService*> out{&consul_service_};
  for (const auto& [id, s] : services_) out.push_back(&s);
  std::ranges::sort(out, [](const auto* a, const auto* b) { return a->id < b->id; });
  return out;
}

std::vector<HealthCheck> Catalog::catalog_checks() const {
  std::vector<HealthCheck> out{serf_check_};
  for (const auto& [id, c] : checks_) out.push_back(c.check);
  std::ranges::sort(out, [](const auto& a, const auto& b) { return a.check_id < b.check_id; });
  return out;
}

consul::ServiceEntry Catalog::entry_for(const AgentService& s) const {
  consul::ServiceEntry entry;
  entry.node = node_;
  entry.service = s;
  // Node checks first, then the service's own (parseCheckServiceNodes).
  entry.checks.push_back(serf_check_);
  for (const auto& [cid, c] : checks_) {
    if (c.check.service_id == s.id) entry.checks.push_back(c.check);
  }
  return entry;
}

std::uint64_t Catalog::service_index(const std::string& name, bool exists, bool with_checks) const {
  if (!exists) {
    if (auto extinct = store_.key_index(kServiceExtinction)) return *extinct;
  }
  if (auto idx = store_.key_index(service_key(name))) return *idx;
  return with_checks ? store_.max_index({Table::kChecks, Table::kServices, Table::kNodes})
                     : store_.max_index({Table::kServices, Table::kNodes});
}

std::vector<consul::ServiceEntry> Catalog::connect_entries(const std::string& name,
                                                           bool passing_only) const {
  auto entries = check_connect_service_nodes(name).value;
  if (passing_only) std::erase_if(entries, [](const auto& e) { return !e.passing(); });
  return entries;
}

Indexed<std::vector<consul::ServiceEntry>> Catalog::check_service_nodes(
    const std::string& name, const std::vector<std::string>& tags) const {
  Indexed<std::vector<consul::ServiceEntry>> out;
  bool exists = false;
  for (const auto* s : catalog_services()) {
    if (s->service != name) continue;
    exists = true;
    if (has_all_tags(*s, tags)) out.value.push_back(entry_for(*s));
  }
  // checkServiceNodesTxn / CheckServiceTagNodes: the service's index entry, or for a missing
  // service the extinction index or the tables.
  out.index = service_index(name, exists, true);
  out.watch = {service_key(name), watch_service_rows(name)};
  return out;
}

Indexed<std::vector<consul::ServiceEntry>> Catalog::check_connect_service_nodes(
    const std::string& name) const {
  Indexed<std::vector<consul::ServiceEntry>> out;
  std::set<std::string> names;
  for (const auto* s : catalog_services()) {
    if (connect_name(*s) != name) continue;
    names.insert(s->service);
    out.value.push_back(entry_for(*s));
  }
  // The max index over the proxies' (and native instances') own service entries, so a change
  // to the sidecar or its checks wakes the watcher and nothing else does.
  out.watch = {watch_connect_rows(name)};
  if (names.empty()) {
    out.index = service_index(name, false, true);
  } else {
    for (const auto& n : names) {
      out.index = std::max(out.index, service_index(n, true, true));
      out.watch.push_back(service_key(n));
    }
  }
  return out;
}

Indexed<std::vector<HealthCheck>> Catalog::service_checks(const std::string& name) const {
  Indexed<std::vector<HealthCheck>> out;
  for (auto& c : catalog_checks()) {
    if (c.service_name == name && !c.service_id.empty()) out.value.push_back(std::move(c));
  }
  out.index = store_.index(Table::kChecks);  // ServiceChecks reports the checks table
  out.watch = {watch_service_checks(name)};
  return out;
}

Indexed<std::vector<HealthCheck>> Catalog::node_checks(const std::string& node) const {
  Indexed<std::vector<HealthCheck>> out;
  for (auto& c : catalog_checks()) {
    if (c.node == node) out.value.push_back(std::move(c));
  }
  out.index = store_.index(Table::kChecks);
  out.watch = {watch_node_checks(node)};
  return out;
}

Indexed<std::vector<HealthCheck>> Catalog::checks_in_state(const std::string& state) const {
  // checksInStateTxn: "any" (exactly) lists every check; anything else is looked up in the
  // lower-cased status index, so an unknown state simply finds nothing.
  Indexed<std::vector<HealthCheck>> out;
  const bool any = state == "any";
  const std::string wanted = lower(state);
  for (auto& c : catalog_checks()) {
    if (any || c.status == wanted) out.value.push_back(std::move(c));
  }
  out.index = store_.index(Table::kChecks);
  out.watch = {any ? std::string{kWatchAllChecks} : watch_checks_in_state(wanted)};
  return out;
}

Indexed<std::vector<consul::CatalogService>> Catalog::service_nodes(
    const std::string& name, const std::vector<std::string>& tags) const {
  Indexed<std::vector<consul::CatalogService>> out;
  bool exists = false;
  for (const auto* s : catalog_services()) {
    if (s->service != name) continue;
    exists = true;
    if (has_all_tags(*s, tags)) out.value.push_back({node_, *s});
  }
  // serviceNodesTxn / ServiceTagNodes: maxIndexForService without the checks table.
  out.index = service_index(name, tags.empty() ? !out.value.empty() : exists, false);
  out.watch = {watch_service_rows(name)};
  return out;
}

Indexed<std::vector<consul::CatalogService>> Catalog::connect_service_nodes(
    const std::string& name) const {
  Indexed<std::vector<consul::CatalogService>> out;
  for (const auto* s : catalog_services()) {
    if (connect_name(*s) == name) out.value.push_back({node_, *s});
  }
  // serviceNodesTxn(indexConnect) takes the index of the destination service's own entry.
  out.index = service_index(name, !out.value.empty(), false);
  out.watch = {watch_connect_rows(name)};
  return out;
}

Indexed<std::vector<consul::Node>> Catalog::nodes() const {
  return {{node_}, store_.index(Table::kNodes), {kWatchAllNodes}};
}

Indexed<std::optional<NodeServices>> Catalog::node_services(const std::string& node) const {
  Indexed<std::optional<NodeServices>> out;
  out.watch = {node_key(node)};
  if (node != node_name_ && node != node_.id) {
    out.index = store_.key_index(kNodeExtinction).value_or(0);  // unknown: `null`
    return out;
  }
  NodeServices ns{node_, {}};
  for (const auto* s : catalog_services()) ns.services.push_back(*s);
  out.value = std::move(ns);
  out.index = store_.key_index(node_key(node_name_)).value_or(0);
  return out;
}

Indexed<std::map<std::string, std::vector<std::string>>> Catalog::services_view() const {
  return {service_names(), store_.index(Table::kServices), {kWatchAllServices}};
}

Indexed<std::vector<consul::CatalogService>> Catalog::service_instances() const {
  Indexed<std::vector<consul::CatalogService>> out;
  for (const auto* s : catalog_services()) out.value.push_back({node_, *s});
  out.index = store_.index(Table::kServices);
  out.watch = {kWatchAllServices};
  return out;
}

std::map<std::string, std::vector<std::string>> Catalog::service_names() const {
  std::map<std::string, std::set<std::string>> tags;
  for (const auto* s : catalog_services()) tags[s->service].insert(s->tags.begin(), s->tags.end());
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [name, set] : tags)
    out.emplace(name, std::vector<std::string>(set.begin(), set.end()));
  return out;
}

}  // namespace gatehouse::tools
