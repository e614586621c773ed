package org.pagila.store.rental;

/** The signed-in staff member a write is recorded for, and the store they work at. */
public record StaffMember(int staffId, int storeId, String username, String name) {
}
