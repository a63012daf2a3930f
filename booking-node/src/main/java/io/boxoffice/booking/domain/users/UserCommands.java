package io.boxoffice.booking.domain.users;

import io.boxoffice.booking.domain.Actors;
import io.boxoffice.booking.domain.CommandOutcome;
import io.boxoffice.booking.domain.Context;
import io.boxoffice.booking.domain.FieldLimits;
import io.boxoffice.booking.domain.RejectedException;
import io.boxoffice.proto.replicated.v1.RegisterUser;
import io.boxoffice.proto.replicated.v1.ResultKind;
import io.boxoffice.proto.replicated.v1.UserRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Creating users (admins and the node itself only); the leader hashed the password before proposing. */
public final class UserCommands {

    private static final Set<String> GRANTABLE_ROLES = Set.of(Actors.ROLE_USER, Actors.ROLE_ADMIN);

    private final Users users;

    public UserCommands(Users users) {
        this.users = users;
    }

    public CommandOutcome registerUser(Context context, RegisterUser command) {
        context.requireAdmin("create users");
        String id = context.newEntityId("usr_");
        if (!FieldLimits.USERNAME.matcher(command.getUsername()).matches()) {
            throw RejectedException.invalidArgument("username", "username must be 3..32 characters of [a-z0-9._-],"
                    + " was '" + FieldLimits.echo(command.getUsername()) + "'");
        }
        if (command.getPasswordHash().isEmpty()
                || command.getPasswordHash().length() > FieldLimits.PASSWORD_HASH_LENGTH_MAX) {
            throw RejectedException.invalidArgument("password_hash",
                    "password hash must be 1.." + FieldLimits.PASSWORD_HASH_LENGTH_MAX + " characters");
        }
        List<String> roles = command.getRolesList().isEmpty() ? List.of(Actors.ROLE_USER) : command.getRolesList();
        Set<String> seen = new HashSet<>();
        for (int index = 0; index < roles.size(); index++) {
            String role = roles.get(index);
            if (!GRANTABLE_ROLES.contains(role)) {
                throw RejectedException.invalidArgument("roles[" + index + "]",
                        "role must be 'user' or 'admin', was '" + FieldLimits.echo(role) + "'");
            }
            if (!seen.add(role)) {
                throw RejectedException.invalidArgument("roles[" + index + "]", "role '" + role + "' is listed twice");
            }
        }
        if (users.byUsername(command.getUsername()).isPresent()) {
            throw RejectedException.alreadyExists("username '" + command.getUsername() + "' is taken");
        }
        if (users.get(id).isPresent()) {
            throw RejectedException.alreadyExists("id " + id + " exists already (new_id reused)");
        }
        UserRecord user = UserRecord.newBuilder().setId(id).setUsername(command.getUsername())
                .setPasswordHash(command.getPasswordHash()).addAllRoles(roles).setCreatedAtMillis(context.nowMillis())
                .setRef(context.ref()).build();
        users.create(user);
        return CommandOutcome.of(ResultKind.RESULT_KIND_USER, user);
    }
}
