import type { UserId } from "@platforma/contracts";
import type { users } from "@platforma/db";

export interface UserDto {
  id: UserId;
  email: string;
  displayName: string | null;
  roles: string[];
  status: "invited" | "active";
  invitedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toUserDto(row: typeof users.$inferSelect): UserDto {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    roles: row.roles,
    status: row.status,
    invitedBy: row.invitedBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
