/**
 * Who may call the master: bearer {@link io.etcron.master.auth.Tokens} with a name and a {@link
 * io.etcron.master.auth.Role}, and the {@link io.etcron.master.auth.Principal} a request runs as.
 *
 * <p>Pure values: depends on nothing in etcron; the HTTP layer and the settings depend on it.
 */
package io.etcron.master.auth;
