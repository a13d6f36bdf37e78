#include "tools/intention/intention_ops.hpp"

#include "consul/go_quote.hpp"
#include "consul/intention_target.hpp"
#include "tools/intention/blocking_call.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using consul::go_quote;
using consul::Intention;
using consul::intention_side;

namespace {

constexpr int kNotFound = 404;

template <class T>
boost::system::result<T, std::string> fail(std::string message) {
  return {boost::system::in_place_error, std::move(message)};
}

OpResult done(std::string message) { return {boost::system::in_place_value, std::move(message)}; }

bool is_action(std::string_view action) {
  return action == consul::kActionAllow || action == consul::kActionDeny;
}

std::string action_error(std::string_view action) {
  return "Action must be allow or deny, got " + go_quote(action);
}

std::string side_of_source(const Intention& ixn) {
  return intention_side(ixn.source_ns, ixn.source_name);
}

std::string side_of_destination(const Intention& ixn) {
  return intention_side(ixn.destination_ns, ixn.destination_name);
}

std::string not_found_text(const std::string& source, const std::string& destination) {
  return "Intention not found with source " + go_quote(source) + " and destination " +
         go_quote(destination);
}

// What create and update send: the pair, the action and the description. Meta is not sent: the
// exact API refuses it (agent/consul/intention_endpoint.go computeApplyChangesUpsert), and a
// config-entry intention shows its entry's meta.
Intention exact_body(const Intention& from, std::string action) {
  Intention body;
  body.source_ns = from.source_ns;
  body.source_name = from.source_name;
  body.destination_ns = from.destination_ns;
  body.destination_name = from.destination_name;
  body.source_type =
      from.source_type.empty() ? std::string{consul::kSourceTypeConsul} : from.source_type;
  body.action = std::move(action);
  body.description = from.description;
  return body;
}

// An empty namespace for `default`, so a CE agent never sees a Namespace field.
std::string enterprise_namespace(const std::string& ns) {
  return ns == consul::kDefaultNamespace ? std::string{} : ns;
}

// The exact API refuses Meta (agent/consul/intention_endpoint.go computeApplyChangesUpsert); in the
// config-entry model meta belongs to the destination's service-intentions entry, which every
// intention to it shows. So an intention with meta is written into that entry (read, upsert the
// source, merge the meta, write with check-and-set so a concurrent change is not overwritten).
net::awaitable<consul::ApiResult<void>> put_into_entry(consul::AgentClient& agent,
                                                       const Intention& ixn) {
  using Written = consul::ApiResult<void>;
  auto current = co_await agent.service_intentions(ixn.destination_name);
  consul::ServiceIntentionsEntry entry;
  std::uint64_t cas = 0;
  if (current) {
    entry = std::move(*current);
    cas = entry.modify_index;
  } else if (current.error().is_status(kNotFound)) {
    entry.name = ixn.destination_name;
    entry.namespace_ = enterprise_namespace(ixn.destination_ns);
  } else {
    co_return Written{boost::system::in_place_error, current.error()};
  }
  consul::SourceIntention source;
  source.name = ixn.source_name;
  source.namespace_ = enterprise_namespace(ixn.source_ns);
  source.action = ixn.action;
  source.description = ixn.description;
  source.type = std::string{consul::kSourceTypeConsul};
  entry.upsert_source(std::move(source));
  for (const auto& [key, value] : ixn.meta) entry.meta[key] = value;
  auto written = co_await agent.put_service_intentions(entry, cas);
  if (!written) co_return Written{boost::system::in_place_error, written.error()};
  if (!*written) {
    co_return Written{
        boost::system::in_place_error,
        consul::ApiError::make(consul::ApiErrorKind::invalid_response,
                               "the service-intentions entry of " + ixn.destination_name +
                                   " changed while writing; try again")};
  }
  co_return Written{};
}

}  // namespace

IntentionResult make_intention(std::string_view source, std::string_view destination,
                               std::string_view action, std::string description) {
  auto src = consul::parse_intention_target(source);
  if (!src) return fail<Intention>("Invalid intention source: " + src.error());
  auto dst = consul::parse_intention_target(destination);
  if (!dst) return fail<Intention>("Invalid intention destination: " + dst.error());
  if (!src->partition.empty() || !dst->partition.empty()) {
    return fail<Intention>("admin partitions (partition/ns/name) are not supported");
  }
  if (!is_action(action)) return fail<Intention>(action_error(action));
  Intention ixn;
  ixn.source_ns = src->ns;
  ixn.source_name = src->name;
  ixn.destination_ns = dst->ns;
  ixn.destination_name = dst->name;
  ixn.action = std::string{action};
  ixn.description = std::move(description);
  return ixn;
}

std::string describe_agent_error(const consul::ApiError& error, const consul::AgentConfig& agent) {
  if (error.kind == consul::ApiErrorKind::status) return error.message();
  if (error.kind == consul::ApiErrorKind::invalid_response) return error.detail;
  std::string where = agent.address.base_url();
  if (!agent.address.unix_socket_path.empty()) where = "unix://" + agent.address.unix_socket_path;
  return "cannot reach the Consul agent at " + where + " (" + error.message() + ")";
}

net::awaitable<OpResult> create_intention(consul::AgentClient& agent, Intention ixn, bool replace) {
  const std::string label = go_quote(ixn.to_cli_string());
  const std::string src = side_of_source(ixn);
  const std::string dst = side_of_destination(ixn);
  if (ixn.is_l7() || !is_action(ixn.action)) {
    co_return fail<std::string>("Error creating intention " + label + ": " +
                                action_error(ixn.action));
  }
  auto existing = co_await agent.intention_get_exact(src, dst);
  if (!existing && !existing.error().is_status(kNotFound)) {
    const auto why = describe_agent_error(existing.error(), agent.config());
    if (replace) {
      co_return fail<std::string>("Error looking up intention for replacement with source " +
                                  go_quote(src) + " and destination " + go_quote(dst) + ": " + why);
    }
    co_return fail<std::string>("Error creating intention " + label + ": " + why);
  }
  if (existing && !replace) {
    co_return fail<std::string>("Error creating intention " + label +
                                ": an intention already exists: " + existing->to_cli_string() +
                                "; use -replace to replace it");
  }
  consul::ApiResult<void> written;
  if (ixn.meta.empty()) {
    written = co_await agent.intention_put_exact(exact_body(ixn, ixn.action));
  } else {
    written = co_await put_into_entry(agent, ixn);
  }
  if (!written) {
    const auto why = describe_agent_error(written.error(), agent.config());
    if (existing) {
      co_return fail<std::string>("Error replacing intention with source " + go_quote(src) +
                                  " and destination " + go_quote(dst) + ": " + why);
    }
    co_return fail<std::string>("Error creating intention " + label + ": " + why);
  }
  co_return done("Created: " + ixn.to_cli_string());
}

net::awaitable<OpResult> create_intention(consul::AgentClient& agent, std::string source,
                                          std::string destination, std::string action,
                                          std::string description) {
  auto ixn = make_intention(source, destination, action, std::move(description));
  if (!ixn) co_return fail<std::string>("Error: " + ixn.error());
  co_return co_await create_intention(agent, std::move(*ixn), false);
}

net::awaitable<OpResult> update_intention_action(consul::AgentClient& agent, std::string source,
                                                 std::string destination, std::string action) {
  if (!is_action(action)) co_return fail<std::string>("Error: " + action_error(action));
  auto existing = co_await agent.intention_get_exact(source, destination);
  if (!existing) {
    if (existing.error().is_status(kNotFound)) {
      co_return fail<std::string>("Error: no intention found for " + source + " => " + destination);
    }
    co_return fail<std::string>("Error reading the intention: " +
                                describe_agent_error(existing.error(), agent.config()));
  }
  if (existing->is_l7()) {
    co_return fail<std::string>("Error: " + existing->to_cli_string() +
                                " is an L7 intention; its permissions decide, not an action");
  }
  // Meta is not sent (the exact API refuses it): config-entry meta stays on the entry.
  Intention next = exact_body(*existing, std::move(action));
  const std::string label = go_quote(next.to_cli_string());
  auto written = co_await agent.intention_put_exact(next);
  if (!written) {
    co_return fail<std::string>("Error updating intention " + label + ": " +
                                describe_agent_error(written.error(), agent.config()));
  }
  co_return done("Updated: " + next.to_cli_string());
}

net::awaitable<OpResult> delete_intention(consul::AgentClient& agent, std::string source,
                                          std::string destination) {
  // The exact DELETE answers `true` for a pair that has no intention; look first so that a typo
  // is reported instead of silently "deleted".
  auto existing = co_await agent.intention_get_exact(source, destination);
  if (!existing) {
    if (existing.error().is_status(kNotFound)) {
      co_return fail<std::string>("Error deleting the intention: " +
                                  not_found_text(source, destination));
    }
    co_return fail<std::string>("Error deleting the intention: " +
                                describe_agent_error(existing.error(), agent.config()));
  }
  auto deleted = co_await agent.intention_delete_exact(source, destination);
  if (!deleted) {
    co_return fail<std::string>("Error deleting the intention: " +
                                describe_agent_error(deleted.error(), agent.config()));
  }
  co_return done("Intention deleted.");
}

net::awaitable<OpResult> delete_intention_by_id(consul::AgentClient& agent, std::string id) {
  auto deleted = co_await agent.intention_delete(id);
  if (!deleted) {
    co_return fail<std::string>("Error deleting the intention: " +
                                describe_agent_error(deleted.error(), agent.config()));
  }
  co_return done("Intention deleted.");
}

net::awaitable<IntentionResult> get_intention(consul::AgentClient& agent, std::string source,
                                              std::string destination) {
  auto found = co_await agent.intention_get_exact(source, destination);
  if (found) co_return std::move(*found);
  if (found.error().is_status(kNotFound)) {
    co_return fail<Intention>(not_found_text(source, destination));
  }
  co_return fail<Intention>("Error reading the intention: " +
                            describe_agent_error(found.error(), agent.config()));
}

net::awaitable<IntentionResult> get_intention_by_id(consul::AgentClient& agent, std::string id) {
  auto found = co_await agent.intention_get(id);
  if (found) co_return std::move(*found);
  if (found.error().is_status(kNotFound)) {
    co_return fail<Intention>("Intention not found with ID " + go_quote(id));
  }
  co_return fail<Intention>("Error reading the intention: " +
                            describe_agent_error(found.error(), agent.config()));
}

net::awaitable<IntentionsResult> list_intentions(consul::AgentClient& agent) {
  auto all = co_await agent.intentions();
  if (!all) {
    co_return fail<std::vector<Intention>>("Failed to retrieve the intentions list: " +
                                           describe_agent_error(all.error(), agent.config()));
  }
  co_return std::move(all->value);
}

net::awaitable<CheckResult> check_intention(consul::AgentClient& agent, std::string source,
                                            std::string destination) {
  auto allowed = co_await agent.intention_check(std::move(source), std::move(destination));
  if (!allowed) {
    co_return fail<bool>("Error checking the connection: " +
                         describe_agent_error(allowed.error(), agent.config()));
  }
  co_return *allowed;
}

net::awaitable<IntentionsResult> match_intentions(consul::AgentClient& agent, consul::MatchBy by,
                                                  std::string name) {
  std::vector<std::string> names{name};
  const consul::BlockingQuery plain_read;
  auto matches = co_await agent.intention_match(by, std::move(names), plain_read);
  if (!matches) {
    co_return fail<std::vector<Intention>>("Error matching the connection: " +
                                           describe_agent_error(matches.error(), agent.config()));
  }
  auto it = matches->value.find(name);
  if (it == matches->value.end()) co_return std::vector<Intention>{};
  co_return std::move(it->second);
}

// --- Blocking twins

OpResult create_intention(const consul::AgentConfig& agent, Intention ixn, bool replace) {
  return blocking_call<OpResult>(agent, [&](consul::AgentClient& client) {
    return create_intention(client, std::move(ixn), replace);
  });
}

OpResult create_intention(const consul::AgentConfig& agent, std::string source,
                          std::string destination, std::string action, std::string description) {
  return blocking_call<OpResult>(agent, [&](consul::AgentClient& client) {
    return create_intention(client, std::move(source), std::move(destination), std::move(action),
                            std::move(description));
  });
}

OpResult update_intention_action(const consul::AgentConfig& agent, std::string source,
                                 std::string destination, std::string action) {
  return blocking_call<OpResult>(agent, [&](consul::AgentClient& client) {
    return update_intention_action(client, std::move(source), std::move(destination),
                                   std::move(action));
  });
}

OpResult delete_intention(const consul::AgentConfig& agent, std::string source,
                          std::string destination) {
  return blocking_call<OpResult>(agent, [&](consul::AgentClient& client) {
    return delete_intention(client, std::move(source), std::move(destination));
  });
}

IntentionsResult list_intentions(const consul::AgentConfig& agent) {
  return blocking_call<IntentionsResult>(
      agent, [](consul::AgentClient& client) { return list_intentions(client); });
}

CheckResult check_intention(const consul::AgentConfig& agent, std::string source,
                            std::string destination) {
  return blocking_call<CheckResult>(agent, [&](consul::AgentClient& client) {
    return check_intention(client, std::move(source), std::move(destination));
  });
}

}  // namespace gatehouse::tools
