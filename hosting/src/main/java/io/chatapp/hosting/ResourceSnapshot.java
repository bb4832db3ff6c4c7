package io.chatapp.hosting;

import java.util.List;

/**
 * A resource as it is now: what the dashboard lists.
 *
 * @param name unique name, e.g. {@code orders-api} or {@code orders-api-2} for a second
 * replica
 * @param type {@code kafka}, {@code postgres}, {@code job} or {@code service}
 * @param state its state
 * @param detail more about the state: what it waits for, why it failed, the exit code
 * @param exitCode the last exit code, or {@code null} while it never exited
 * @param pids ids of its processes (empty for external or in-process resources)
 * @param endpoints URLs or addresses it serves
 */
public record ResourceSnapshot(String name, String type, ResourceState state, String detail, Integer exitCode,
		List<Long> pids, List<String> endpoints) {

	@Override
	public String toString() {
		String text = this.name + ": " + this.state.label();
		if (this.state == ResourceState.EXITED && this.exitCode != null) {
			text += "(" + this.exitCode + ")";
		}
		return this.detail.isEmpty() ? text : text + " - " + this.detail;
	}

}
