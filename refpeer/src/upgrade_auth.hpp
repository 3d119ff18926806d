// Token authentication of wslab.rooms.v1 on the libwebsockets server
// (docs/rooms-protocol.md §1; RFC 6455 §4.2.2: a server may refuse the
// opening handshake with any HTTP status). The decision itself is the rooms
// component's (rooms::check_upgrade, the same code `wslab serve --rooms
// --token` runs); this file only reads the request from lws and writes the
// refusal. It runs in LWS_CALLBACK_HTTP_CONFIRM_UPGRADE, the one place where
// lws 4.1.6 lets the application answer an upgrade with its own status line
// (LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION can only hang up).
#pragma once

#include <string>
#include <vector>

#include "wslab/rooms/auth.hpp"

struct lws;

namespace wslab::refpeer::detail {

// The names offered in Sec-WebSocket-Protocol, in the client's order.
std::vector<std::string> offered_subprotocols(lws* wsi);

// "/path?query" rebuilt from lws's parsed request. lws keeps the query only as
// percent-decoded "name=value" fragments, so they are percent-encoded again
// here: rooms::query_parameter then decodes each value exactly once.
std::string request_target(lws* wsi);

// Answers the upgrade with the verdict's status, headers and body (text),
// plus `Connection: close`. Returns what LWS_CALLBACK_HTTP_CONFIRM_UPGRADE
// must return: 1 (response written, lws completes the transaction) or -1
// (it could not be written: lws hangs up).
int refuse_upgrade(lws* wsi, const rooms::UpgradeVerdict& verdict);

}  // namespace wslab::refpeer::detail
