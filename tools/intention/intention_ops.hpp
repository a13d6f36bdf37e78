#pragma once
// Intention management as a library, for `gatehouse intention` and for the probe and the demo:
// the same agent calls and the same message texts as the CLI, without going through argv.
// Writes go through the exact API (`PUT /v1/connect/intentions/exact`), never the legacy ID API.
//
//   auto created = co_await create_intention(agent, "web", "db", "allow", "web may read db");
//   if (created) std::cout << *created << "\n";   // Created: web => db (allow)
//   else std::cerr << created.error() << "\n";   // Error creating intention "web => db (allow)":
//   ...
//
// Each awaitable function has a blocking twin taking an AgentConfig instead of an AgentClient,
// which runs its own io_context (for tools that are not coroutines).

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "consul/agent_client.hpp"
#include "consul/agent_config.hpp"
#include "consul/intention.hpp"

namespace gatehouse::tools {

// Success: the line the CLI prints on stdout (`Created: web => db (allow)`, `Intention deleted.`).
// Failure: the line it prints on stderr, starting with `Error`.
using OpResult = boost::system::result<std::string, std::string>;
using IntentionResult = boost::system::result<consul::Intention, std::string>;
using IntentionsResult = boost::system::result<std::vector<consul::Intention>, std::string>;
using CheckResult = boost::system::result<bool, std::string>;

// An L4 intention from the CLI forms of SRC and DST (`web`, `*`, `ns/web`; Consul's
// command/intention/helpers.go ParseIntentionTarget) and an action (`allow` or `deny`).
// Errors: `Invalid intention source: input can contain at most two '/'`,
// `Invalid intention destination: ...`, `Action must be allow or deny, got "x"`.
IntentionResult make_intention(std::string_view source, std::string_view destination,
                               std::string_view action, std::string description = {});

// The agent's answer in a CLI message: Consul's `Unexpected response code: 500 (<body>)` when
// the agent answered with an error status, else `cannot reach the Consul agent at
// http://127.0.0.1:8500 (<why>)`.
std::string describe_agent_error(const consul::ApiError& error, const consul::AgentConfig& agent);

// Creates `ixn` (its names, Action, Description and Meta are used). An existing intention for
// the same pair is an error unless `replace`; `Created: web => db (allow)`. The exact API
// refuses Meta, so an intention with meta is written into the destination's service-intentions
// config entry instead (source upserted, meta merged into the entry's, check-and-set): in
// Consul's config-entry model meta belongs to the entry and every intention to DST shows it.
boost::asio::awaitable<OpResult> create_intention(consul::AgentClient& agent, consul::Intention ixn,
                                                  bool replace);
boost::asio::awaitable<OpResult> create_intention(consul::AgentClient& agent, std::string source,
                                                  std::string destination, std::string action,
                                                  std::string description);

// Changes the action of the existing SRC => DST intention, keeping its description (the meta of
// config-entry intentions lives on the entry and is untouched): `Updated: web => db (deny)`, or
// `Error: no intention found for web => db`.
boost::asio::awaitable<OpResult> update_intention_action(consul::AgentClient& agent,
                                                         std::string source,
                                                         std::string destination,
                                                         std::string action);

// Deletes SRC => DST (an error when there is none): `Intention deleted.`
boost::asio::awaitable<OpResult> delete_intention(consul::AgentClient& agent, std::string source,
                                                  std::string destination);
// Deletes a legacy intention by ID.
boost::asio::awaitable<OpResult> delete_intention_by_id(consul::AgentClient& agent, std::string id);

// One intention by SRC DST or by legacy ID; errors as `consul intention get` prints them
// (`Intention not found with source "web" and destination "db"`).
boost::asio::awaitable<IntentionResult> get_intention(consul::AgentClient& agent,
                                                      std::string source, std::string destination);
boost::asio::awaitable<IntentionResult> get_intention_by_id(consul::AgentClient& agent,
                                                            std::string id);

// Every intention in the agent's order (`Failed to retrieve the intentions list: ...`).
boost::asio::awaitable<IntentionsResult> list_intentions(consul::AgentClient& agent);

// Would SRC reach DST? (`Error checking the connection: ...`).
boost::asio::awaitable<CheckResult> check_intention(consul::AgentClient& agent, std::string source,
                                                    std::string destination);

// The intentions matching NAME by source or destination, in evaluation order
// (`Error matching the connection: ...`).
boost::asio::awaitable<IntentionsResult> match_intentions(consul::AgentClient& agent,
                                                          consul::MatchBy by, std::string name);

// Blocking twins: each runs the call above on its own io_context.
OpResult create_intention(const consul::AgentConfig& agent, consul::Intention ixn, bool replace);
OpResult create_intention(const consul::AgentConfig& agent, std::string source,
                          std::string destination, std::string action, std::string description);
OpResult update_intention_action(const consul::AgentConfig& agent, std::string source,
                                 std::string destination, std::string action);
OpResult delete_intention(const consul::AgentConfig& agent, std::string source,
                          std::string destination);
IntentionsResult list_intentions(const consul::AgentConfig& agent);
CheckResult check_intention(const consul::AgentConfig& agent, std::string source,
                            std::string destination);

}  // namespace gatehouse::tools
