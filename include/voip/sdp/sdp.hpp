#pragma once
/// @file
/// Everything of the SDP module: session descriptions (RFC 8866) and offer/answer (RFC 3264).

#include <voip/sdp/attributes.hpp>
#include <voip/sdp/crypto.hpp>
#include <voip/sdp/error.hpp>
#include <voip/sdp/offer_answer.hpp>
#include <voip/sdp/payload_format.hpp>
#include <voip/sdp/session_description.hpp>
