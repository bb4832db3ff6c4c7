import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.chatapp.users.v1.BatchGetUsersRequest;
import io.chatapp.users.v1.GetUserRequest;
import io.chatapp.users.v1.UsersServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Calls users-api's gRPC {@code UsersService} from the command line and prints the answer as
 * JSON, with the generated stubs the build already made: no separate gRPC client to install.
 *
 * <pre>
 * java -cp "apphost/target/lib/*:users-proto/target/*" tools/UsersGrpc.java GetUser &lt;id&gt;
 * java -cp "apphost/target/lib/*:users-proto/target/*" tools/UsersGrpc.java BatchGetUsers &lt;id&gt; &lt;id&gt;...
 * </pre>
 *
 * The target is {@code 127.0.0.1:5003} unless {@code USERS_GRPC} says otherwise
 * ({@code host:port}). Exits 1 with the gRPC status on an error answer, 2 on bad usage.
 */
public class UsersGrpc {

	public static void main(String[] args) throws Exception {
		if (args.length < 2 || !(args[0].equals("GetUser") || args[0].equals("BatchGetUsers"))) {
			System.err.println("usage: UsersGrpc GetUser <id> | BatchGetUsers <id>...");
			System.exit(2);
		}
		String target = System.getenv().getOrDefault("USERS_GRPC", "127.0.0.1:5003");
		ManagedChannel channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
		try {
			var users = UsersServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
			MessageOrBuilder answer = args[0].equals("GetUser")
					? users.getUser(GetUserRequest.newBuilder().setUserId(args[1]).build())
					: users.batchGetUsers(BatchGetUsersRequest.newBuilder()
						.addAllUserIds(Arrays.asList(args).subList(1, args.length))
						.build());
			System.out.println(JsonFormat.printer().print(answer));
		}
		catch (StatusRuntimeException ex) {
			System.err.println(ex.getStatus().getCode() + ": " + ex.getStatus().getDescription());
			System.exit(1);
		}
		finally {
			channel.shutdownNow();
		}
	}

}
