// Process-wide libwebsockets settings shared by the server and the client.
#pragma once

namespace wslab::refpeer::detail {

// lws logs two NOTICE lines per context by default; keep only errors and
// warnings. Set WSLAB_LWS_LOG=<bitmask> (lws's LLL_* bits) to see more.
// lws_set_log_level is process-global, so this runs once.
void configure_lws_logging();

}  // namespace wslab::refpeer::detail
