"""WeChat: the official account's sign-in, template messages and JS-SDK signatures."""
